// The teacher sees the class: each student who accepted sends a small, slow thumbnail of their camera to the
// presenting teacher over a peer connection of its own (not the lesson's: that one may carry the floor, and a
// thumbnail must never cost the lesson's picture). The student offers (they hold the track), the teacher answers;
// signalling goes through the hub's CameraSignal, which lets a student reach teachers only. ICE servers and the
// TURN credential are the lesson's (useIce), read when a connection is made.
import type { Room } from './room';

/** A thumbnail: small and slow, so forty of them fit in a teacher's downlink (about 40 × 60 kb/s). */
export const THUMBNAIL = { width: 160, height: 120, frameRate: 5, maxBitrate: 60_000 } as const;

/** Thumbnails per page: a laptop's grid, a phone's. */
export function pageSizeFor(narrow: boolean): number { return narrow ? 4 : 12; }

export type IceSource = () => Promise<RTCConfiguration>;

/** Caps the one video sender at the thumbnail's rate and bitrate (the browser would otherwise send far more). */
async function capSender(sender: RTCRtpSender) {
  const parameters = sender.getParameters();
  if (!parameters.encodings || parameters.encodings.length === 0) parameters.encodings = [{}];
  parameters.encodings[0].maxBitrate = THUMBNAIL.maxBitrate;
  parameters.encodings[0].maxFramerate = THUMBNAIL.frameRate;
  try { await sender.setParameters(parameters); } catch { /* a closed connection */ }
}

/** A student's camera, sent to the presenting teacher while it is on. */
export class StudentCamera {
  private stream: MediaStream | null = null;
  private pc: RTCPeerConnection | null = null;
  private teacherId: string | null = null;

  constructor(private room: () => Room | null, private ice: IceSource) {}

  get on() { return this.stream !== null; }

  /**
   * The student accepted: the browser's own permission prompt may follow. Resolves to the camera's state the room
   * is told: on, or none (no camera, or the browser's permission refused).
   */
  async start(teacherId: string): Promise<'on' | 'none'> {
    if (!this.stream) {
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { width: { ideal: THUMBNAIL.width }, height: { ideal: THUMBNAIL.height }, frameRate: { ideal: THUMBNAIL.frameRate, max: THUMBNAIL.frameRate } },
        });
      } catch {
        return 'none';
      }
    }
    this.teacherId = teacherId;
    return 'on';
  }

  /** Offers the thumbnail to the teacher (again: the teacher's page reloaded, or the connection failed). */
  async offer(teacherId: string | null = this.teacherId) {
    const track = this.stream?.getVideoTracks()[0];
    if (!track || !teacherId) return;
    this.teacherId = teacherId;
    this.pc?.close();
    const pc = new RTCPeerConnection(await this.ice());
    this.pc = pc;
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [this.stream!] });
    pc.onicecandidate = (e) => { if (e.candidate) this.room()?.cameraSignal(teacherId, 'ice', e.candidate.toJSON()); };
    pc.onconnectionstatechange = () => {
      // A lost thumbnail comes back by itself while the camera is on.
      if (pc.connectionState === 'failed' && this.pc === pc && this.on) window.setTimeout(() => void this.offer(), 3000);
    };
    await pc.setLocalDescription(await pc.createOffer());
    await capSender(transceiver.sender);
    this.room()?.cameraSignal(teacherId, 'offer', { type: 'offer', sdp: pc.localDescription!.sdp });
  }

  async answer(from: string, payload: string) {
    if (!this.pc || from !== this.teacherId || this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription(JSON.parse(payload));
  }

  async candidate(from: string, payload: string) {
    if (!this.pc || from !== this.teacherId) return;
    try { await this.pc.addIceCandidate(JSON.parse(payload)); } catch { /* an older connection's */ }
  }

  /** The camera goes off (the student's choice, or the teacher's request): the teacher's tile closes too. */
  stop() {
    if (this.teacherId && this.pc) this.room()?.cameraSignal(this.teacherId, 'bye', {});
    this.pc?.close();
    this.pc = null;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
  }
}

/** The teacher's side: one receiving connection per student whose camera is on. */
export class TeacherCameras {
  private peers = new Map<string, RTCPeerConnection>();
  readonly streams = new Map<string, MediaStream>();
  onChange: () => void = () => {};

  constructor(private room: () => Room | null, private ice: IceSource) {}

  async offer(from: string, payload: string) {
    this.close(from);
    const pc = new RTCPeerConnection(await this.ice());
    this.peers.set(from, pc);
    pc.onicecandidate = (e) => { if (e.candidate) this.room()?.cameraSignal(from, 'ice', e.candidate.toJSON()); };
    pc.ontrack = (e) => {
      this.streams.set(from, e.streams[0] ?? new MediaStream([e.track]));
      this.onChange();
    };
    pc.onconnectionstatechange = () => {
      if ((pc.connectionState === 'failed' || pc.connectionState === 'closed') && this.peers.get(from) === pc) this.close(from);
    };
    await pc.setRemoteDescription(JSON.parse(payload));
    await pc.setLocalDescription(await pc.createAnswer());
    this.room()?.cameraSignal(from, 'answer', { type: 'answer', sdp: pc.localDescription!.sdp });
  }

  async candidate(from: string, payload: string) {
    try { await this.peers.get(from)?.addIceCandidate(JSON.parse(payload)); } catch { /* an older connection's */ }
  }

  /** Asks a student whose camera is on to offer again (this page was reloaded, or it just began presenting). */
  hello(userId: string) { this.room()?.cameraSignal(userId, 'hello', {}); }

  close(userId: string) {
    this.peers.get(userId)?.close();
    this.peers.delete(userId);
    if (this.streams.delete(userId)) this.onChange();
  }

  stop() { for (const id of [...this.peers.keys()]) this.close(id); }
}
