// Embedded media: WebRTC peer to peer, signalled through the classroom hub. The teacher's browser
// holds one connection per student and is always the one that offers. Every connection has the
// same five transceivers, in this order:
//   0 audio  teacher's microphone  → student   (the student answers sendrecv: with the floor, their microphone comes back on it)
//   1 video  teacher's camera      → student   (likewise the student's camera, if allowed)
//   2 video  teacher's screen      → student
//   3 audio  floor holder's voice, relayed by the teacher to everyone else
//   4 video  floor holder's camera, relayed likewise
// so taking the floor, sharing the screen or switching a student to audio only is a replaceTrack,
// never a renegotiation. It suits small classes; large ones use LiveKit (Media:Provider=LiveKit).
// Connections find each other through the STUN/TURN servers the server hands out with a TURN credential
// minted for this person (IceConfig); before it expires the page fetches a fresh one and the teacher
// restarts ICE on every connection, so a long lesson keeps its relays.

/** Whether media is actually flowing on a stream's video (a remote track is muted while nothing is sent). */
export function hasLiveVideo(stream: MediaStream | null | undefined): boolean {
  return !!stream && stream.getVideoTracks().some((t) => t.readyState === 'live' && !t.muted);
}

export type SendFn = (to: string, kind: string, payload: unknown) => void;

export interface StudentStreams {
  teacher: MediaStream; screen: MediaStream; floor: MediaStream;
  /** False once the shared screen's frames stopped arriving (the teacher stopped sharing: the track itself stays unmuted). */
  screenFlowing?: boolean;
}

/** A shared screen that sent no new frame for this long is taken as stopped (a still slide still gets a frame now and then). */
const SCREEN_QUIET_MS = 5000;

/** What the server says about ICE for this person (MediaJoinView.ice), ready for RTCPeerConnection. */
export interface IceConfig { servers: { urls: string[]; username?: string | null; credential?: string | null }[]; relay: boolean }

export function rtcConfiguration(ice: IceConfig | null | undefined): RTCConfiguration {
  if (!ice) return { iceServers: [] };
  return {
    iceServers: ice.servers.map((s) => ({ urls: s.urls, ...(s.username ? { username: s.username, credential: s.credential ?? '' } : {}) })),
    iceTransportPolicy: ice.relay ? 'relay' : 'all',
  };
}

function kindOf(index: number): 'audio' | 'video' {
  return index === 0 || index === 3 ? 'audio' : 'video';
}

/** The teacher's side: local camera, microphone and screen, and one connection per student. */
export class TeacherMedia {
  local: MediaStream | null = null;
  screen: MediaStream | null = null;
  floorAudio: MediaStreamTrack | null = null;
  floorVideo: MediaStreamTrack | null = null;
  floorUser: string | null = null;
  private peers = new Map<string, { pc: RTCPeerConnection; mode: string }>();
  private mediaMode: 'video' | 'audio' | 'off' = 'video';
  onFloorStream: (stream: MediaStream | null) => void = () => {};
  onPeers: (count: number) => void = () => {};
  /** The ICE configuration new connections use; a promise so a student's hello waits for the server's answer. */
  iceConfig: Promise<RTCConfiguration> = Promise.resolve({ iceServers: [] });

  constructor(private send: SendFn) {}

  /** A fresh TURN credential: every connection takes it and restarts ICE, gathering relays with it. */
  async renewIce(config: RTCConfiguration) {
    this.iceConfig = Promise.resolve(config);
    for (const [userId, { pc }] of this.peers) {
      try { pc.setConfiguration(config); } catch { /* closed meanwhile */ }
      await this.restartIce(userId);
    }
  }

  /**
   * Restarts ICE on one student's connection (both sides gather again, with the credentials each holds now): after
   * this page's renewal, or the student's (their credential was minted at their own join, so it expires at another time).
   */
  async restartIce(userId: string) {
    const pc = this.peers.get(userId)?.pc;
    if (!pc) return;
    try {
      if (pc.signalingState !== 'stable') return;
      const offer = await pc.createOffer({ iceRestart: true });
      await pc.setLocalDescription(offer);
      this.send(userId, 'offer', { sdp: pc.localDescription!.sdp, type: 'offer', restart: true });
    } catch { /* the connection closed meanwhile; the student's next hello makes a new one */ }
  }

  /** Whether this student's connection is up (a hello asking for an ICE restart needs one to restart). */
  connectedTo(userId: string): boolean {
    const state = this.peers.get(userId)?.pc.connectionState;
    return state === 'connected' || state === 'connecting';
  }

  async startCamera(): Promise<MediaStream> {
    if (!this.local) {
      this.local = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15, max: 24 } },
      });
      this.refreshAll();
    }
    return this.local;
  }

  setMic(on: boolean) { this.local?.getAudioTracks().forEach((t) => (t.enabled = on)); }
  setCamera(on: boolean) { this.local?.getVideoTracks().forEach((t) => (t.enabled = on)); }

  async shareScreen(): Promise<boolean> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 10 }, audio: false });
    this.screen = stream;
    stream.getVideoTracks()[0]?.addEventListener('ended', () => this.stopScreen());
    this.refreshAll();
    return true;
  }

  stopScreen() {
    this.screen?.getTracks().forEach((t) => t.stop());
    this.screen = null;
    this.refreshAll();
  }

  setMediaMode(mode: 'video' | 'audio' | 'off') {
    this.mediaMode = mode;
    this.refreshAll();
  }

  setStudentMode(userId: string, mode: string) {
    const peer = this.peers.get(userId);
    if (!peer) return;
    peer.mode = mode;
    this.refresh(userId);
  }

  /** A student said hello (joined, or their connection failed): a fresh connection and offer. */
  async hello(userId: string, mode = 'full') {
    const config = await this.iceConfig;
    this.close(userId);
    const pc = new RTCPeerConnection(config);
    this.peers.set(userId, { pc, mode });
    this.onPeers(this.peers.size);
    for (let i = 0; i < 5; i++) pc.addTransceiver(kindOf(i), { direction: i < 2 ? 'sendrecv' : 'sendonly' });
    pc.onicecandidate = (e) => { if (e.candidate) this.send(userId, 'ice', e.candidate.toJSON()); };
    pc.ontrack = (e) => {
      // The floor holder's microphone and camera arrive on transceivers 0 and 1.
      if (userId !== this.floorUser) return;
      const index = pc.getTransceivers().indexOf(e.transceiver);
      if (index === 0) this.floorAudio = e.track;
      if (index === 1) this.floorVideo = e.track;
      this.announceFloor();
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        if (this.peers.get(userId)?.pc === pc) { this.peers.delete(userId); this.onPeers(this.peers.size); }
      }
    };
    this.refresh(userId);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.send(userId, 'offer', { sdp: pc.localDescription!.sdp, type: 'offer' });
  }

  async answer(userId: string, payload: string) {
    const peer = this.peers.get(userId);
    if (!peer) return;
    await peer.pc.setRemoteDescription(JSON.parse(payload));
  }

  async ice(userId: string, payload: string) {
    const peer = this.peers.get(userId);
    if (!peer) return;
    try { await peer.pc.addIceCandidate(JSON.parse(payload)); } catch { /* a candidate for an older connection */ }
  }

  /** Someone got (or lost) the floor: pick up their tracks and relay them to everyone else. */
  setFloor(userId: string | null) {
    this.floorUser = userId;
    this.floorAudio = null;
    this.floorVideo = null;
    if (userId) {
      const peer = this.peers.get(userId);
      const transceivers = peer?.pc.getTransceivers() ?? [];
      const audio = transceivers[0]?.receiver.track;
      const video = transceivers[1]?.receiver.track;
      if (audio && audio.readyState === 'live') this.floorAudio = audio;
      if (video && video.readyState === 'live') this.floorVideo = video;
    }
    this.announceFloor();
  }

  private announceFloor() {
    const tracks = [this.floorAudio, this.floorVideo].filter((t): t is MediaStreamTrack => t !== null);
    this.onFloorStream(this.floorUser && tracks.length ? new MediaStream(tracks) : null);
    this.refreshAll();
  }

  /** The students' sound reaching the teacher (each connection's first transceiver; silent unless they hold the floor), for a recording. */
  remoteAudio(): MediaStreamTrack[] {
    return [...this.peers.values()].map((p) => p.pc.getTransceivers()[0]?.receiver.track)
      .filter((t): t is MediaStreamTrack => !!t && t.readyState === 'live');
  }

  close(userId: string) {
    const peer = this.peers.get(userId);
    if (peer) {
      peer.pc.close();
      this.peers.delete(userId);
      this.onPeers(this.peers.size);
    }
  }

  stop() {
    for (const id of [...this.peers.keys()]) this.close(id);
    this.local?.getTracks().forEach((t) => t.stop());
    this.stopScreen();
    this.local = null;
  }

  private refreshAll() { for (const id of this.peers.keys()) this.refresh(id); }

  /** What this student receives, given the room's mode and the student's own choice (full, low bandwidth, audio only). */
  private refresh(userId: string) {
    const peer = this.peers.get(userId);
    if (!peer) return;
    const t = peer.pc.getTransceivers();
    if (t.length < 5) return;
    const video = this.mediaMode === 'video' && peer.mode !== 'audio';
    const audio = this.mediaMode !== 'off';
    const isFloor = userId === this.floorUser;
    void t[0].sender.replaceTrack(audio ? this.local?.getAudioTracks()[0] ?? null : null);
    void t[1].sender.replaceTrack(video ? this.local?.getVideoTracks()[0] ?? null : null);
    void t[2].sender.replaceTrack(video ? this.screen?.getVideoTracks()[0] ?? null : null);
    void t[3].sender.replaceTrack(audio && !isFloor ? this.floorAudio : null);
    void t[4].sender.replaceTrack(video && !isFloor ? this.floorVideo : null);
    const low = peer.mode === 'low';
    for (const index of [1, 2, 4]) {
      const sender = t[index].sender;
      const parameters = sender.getParameters();
      if (!parameters.encodings || parameters.encodings.length === 0) continue;
      parameters.encodings[0].maxBitrate = low ? 150_000 : index === 2 ? 1_200_000 : 600_000;
      parameters.encodings[0].scaleResolutionDownBy = low ? 2 : 1;
      parameters.encodings[0].maxFramerate = low ? 8 : 15;
      sender.setParameters(parameters).catch(() => {});
    }
  }
}

/** A student's side: one connection to the presenting teacher; publishes back only while holding the floor. */
export class StudentMedia {
  private pc: RTCPeerConnection | null = null;
  private mine: MediaStream | null = null;
  readonly streams: StudentStreams = { teacher: new MediaStream(), screen: new MediaStream(), floor: new MediaStream() };
  onStreams: (s: StudentStreams) => void = () => {};
  onState: (state: RTCPeerConnectionState | 'idle') => void = () => {};
  onQuality: (poor: boolean) => void = () => {};
  private statsTimer: number | null = null;
  private screenTimer: number | null = null;
  private screenFlowing: boolean | undefined = undefined;
  private lastStats: { lost: number; received: number } | null = null;
  private teacherId: string | null = null;
  iceConfig: Promise<RTCConfiguration> = Promise.resolve({ iceServers: [] });

  constructor(private send: SendFn) {}

  /**
   * A fresh TURN credential: the connection takes it and asks the teacher to restart ICE, so that this side's relay
   * is allocated with it before the old one expires (the teacher's own renewal comes at another time).
   */
  renewIce(config: RTCConfiguration) {
    this.iceConfig = Promise.resolve(config);
    if (!this.pc || this.pc.connectionState === 'closed') return;
    try { this.pc.setConfiguration(config); } catch { return; }
    if (this.teacherId) this.send(this.teacherId, 'hello', { mode: this.mode, restart: true });
  }

  private mode = 'full';

  /** Asks the presenting teacher for a connection. */
  hello(teacherId: string, mode: string) {
    this.mode = mode;
    this.send(teacherId, 'hello', { mode });
  }

  async offer(from: string, payload: string) {
    const description = JSON.parse(payload) as RTCSessionDescriptionInit & { restart?: boolean };
    const config = await this.iceConfig;
    // The teacher restarting ICE (a renewed credential) on the connection we have: answer on it.
    if (description.restart && this.pc && this.teacherId === from && this.pc.signalingState === 'stable') {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: description.sdp });
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      this.send(from, 'answer', { sdp: this.pc.localDescription!.sdp, type: 'answer' });
      return;
    }
    this.pc?.close();
    const pc = new RTCPeerConnection(config);
    this.pc = pc;
    this.teacherId = from;
    this.streams.teacher = new MediaStream();
    this.streams.screen = new MediaStream();
    this.streams.floor = new MediaStream();
    pc.onicecandidate = (e) => { if (e.candidate) this.send(from, 'ice', e.candidate.toJSON()); };
    pc.ontrack = (e) => {
      const index = pc.getTransceivers().indexOf(e.transceiver);
      const target = index <= 1 ? this.streams.teacher : index === 2 ? this.streams.screen : this.streams.floor;
      target.addTrack(e.track);
      // A transceiver with nothing on it (no screen shared yet) has a muted track: the page shows it only when media flows.
      e.track.onmute = () => this.emit();
      e.track.onunmute = () => this.emit();
      this.emit();
    };
    pc.onconnectionstatechange = () => this.onState(pc.connectionState);
    await pc.setRemoteDescription({ type: 'offer', sdp: description.sdp });
    const transceivers = pc.getTransceivers();
    // Ready to send back on 0 and 1 without renegotiating when the floor is given.
    transceivers.forEach((t, i) => (t.direction = i < 2 ? 'sendrecv' : 'recvonly'));
    if (this.mine) await this.publish(this.mine);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.send(from, 'answer', { sdp: pc.localDescription!.sdp, type: 'answer' });
    this.watchQuality();
    this.watchScreen();
  }

  async ice(payload: string) {
    try { await this.pc?.addIceCandidate(JSON.parse(payload)); } catch { /* an older connection's */ }
  }

  get state(): RTCPeerConnectionState | 'idle' { return this.pc?.connectionState ?? 'idle'; }

  /** The floor: publish the microphone (and camera if allowed) back to the teacher. */
  async takeFloor(allowVideo: boolean) {
    this.mine = await navigator.mediaDevices.getUserMedia({ audio: true, video: allowVideo ? { width: 320, height: 240, frameRate: 12 } : false });
    await this.publish(this.mine);
    return this.mine;
  }

  async leaveFloor() {
    this.mine?.getTracks().forEach((t) => t.stop());
    this.mine = null;
    const t = this.pc?.getTransceivers() ?? [];
    await t[0]?.sender.replaceTrack(null);
    await t[1]?.sender.replaceTrack(null);
  }

  muteMine() { this.mine?.getAudioTracks().forEach((t) => (t.enabled = false)); }

  private async publish(stream: MediaStream) {
    const t = this.pc?.getTransceivers() ?? [];
    await t[0]?.sender.replaceTrack(stream.getAudioTracks()[0] ?? null);
    await t[1]?.sender.replaceTrack(stream.getVideoTracks()[0] ?? null);
  }

  /** Every few seconds: is the link poor (lost packets, long round trips)? Then lighter modes are suggested. */
  private emit() { this.onStreams({ ...this.streams, screenFlowing: this.screenFlowing }); }

  /**
   * Whether the screen's frames keep coming: when the teacher stops sharing, their side sends nothing on that
   * transceiver, but the student's track is not muted for it, so the page would freeze on the last frame.
   */
  private watchScreen() {
    if (this.screenTimer !== null) return;
    let frames = -1;
    let changedAt = 0;
    this.screenTimer = window.setInterval(async () => {
      const receiver = this.pc?.getTransceivers()[2]?.receiver;
      if (!receiver) return;
      let now = 0;
      (await receiver.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') now = s.framesDecoded ?? 0; });
      if (now !== frames) { frames = now; changedAt = Date.now(); }
      const flowing = now > 0 && Date.now() - changedAt < SCREEN_QUIET_MS;
      if (flowing !== this.screenFlowing) {
        this.screenFlowing = flowing;
        this.emit();
      }
    }, 1000);
  }

  private watchQuality() {
    if (this.statsTimer !== null) return;
    this.statsTimer = window.setInterval(async () => {
      if (!this.pc) return;
      const report = await this.pc.getStats();
      let lost = 0, received = 0, rtt = 0;
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') { lost += s.packetsLost ?? 0; received += s.packetsReceived ?? 0; }
        if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime) rtt = s.currentRoundTripTime;
      });
      const last = this.lastStats;
      this.lastStats = { lost, received };
      if (!last) return;
      const dl = lost - last.lost, dr = received - last.received;
      const lossRate = dl + dr > 0 ? dl / (dl + dr) : 0;
      this.onQuality(lossRate > 0.05 || rtt > 0.6);
    }, 4000);
  }

  close() {
    if (this.statsTimer !== null) window.clearInterval(this.statsTimer);
    this.statsTimer = null;
    if (this.screenTimer !== null) window.clearInterval(this.screenTimer);
    this.screenTimer = null;
    this.pc?.close();
    this.pc = null;
    this.mine?.getTracks().forEach((t) => t.stop());
  }
}

/** A phone on 2G (the Network Information API, where the browser has it) should start light. */
export function connectionLooksPoor(): boolean {
  const c = (navigator as Navigator & { connection?: { effectiveType?: string; saveData?: boolean } }).connection;
  return !!c && (c.saveData === true || c.effectiveType === 'slow-2g' || c.effectiveType === '2g');
}
