// The live room on the client: one hub connection, the room model built from a snapshot and the
// sequenced events, replay on reconnect, and commands that are sent once (a command id per intent).
// Every hub method has a typed wrapper here (room.answerPoll(...)); components call those, never
// connection.invoke with a method's name. The events' shapes are in events.ts, the model in roomModel.ts.
import * as signalR from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { isKnown, parseEvent, type CameraState, type RoomEvent } from './events';
import { EventOrder } from './eventOrder';
import { apply, fromSnapshot, type Reaction, type RoomModel } from './roomModel';

export type { RoomEvent };
export type { RoomModel, Reaction } from './roomModel';

export interface JoinResult {
  status: 'joined' | 'waiting' | 'refused'; reason: string | null; role: 'teacher' | 'student'; seq: number; snapshot: string | null; events: RoomEvent[];
  /** The audiences this connection is in: the chains of events it checks for gaps (see RoomEvent.after). */
  audiences?: string[] | null;
}
export interface SignalMessage { sessionId: string; from: string; fromName: string; kind: string; payload: string }
/** What ClaimTab answers: whether the asking tab acts, and which tab does (and since when). */
export interface TabClaim { granted: boolean; tabId: string; since: string }

/** `rejoining`: connected again, but not yet back in the room (it is being rebuilt on another server). */
export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'rejoining' | 'disconnected';
export type Entry = { status: JoinResult['status']; reason: string | null };
export type MediaMode = 'video' | 'audio' | 'off';
export type MyMedia = 'full' | 'low' | 'audio';
/** How a component sends a command, e.g. `run((r) => r.raiseHand())`: resolves to whether it succeeded (the page shows a failure). */
export type Run = (command: (room: Room) => Promise<void>) => Promise<boolean>;

export interface RoomHandlers {
  model: (m: RoomModel) => void;
  connection: (c: Connection) => void;
  entry: (e: Entry) => void;
  reaction: (r: Reaction) => void;
  signal: (s: SignalMessage) => void;
  event?: (e: RoomEvent) => void;
}

/** Raised by a failed command; `code` is the server's stable code (forbidden, chat-off, …). */
export class RoomError extends Error {
  constructor(readonly code: string) { super(code); }
}

export class Room {
  readonly connection: signalR.HubConnection;
  private model: RoomModel | null = null;
  private readonly order = new EventOrder();
  private joining = false;
  private held: RoomEvent[] = [];
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly sessionId: string;
  private readonly on: RoomHandlers;
  private readonly listeners = new Set<(e: RoomEvent) => void>();

  constructor(sessionId: string, on: RoomHandlers) {
    this.sessionId = sessionId;
    this.on = on;
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/classroom')
      .withHubProtocol(new MessagePackHubProtocol())
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => Math.min(10_000, [0, 1000, 2000, 4000][c.previousRetryCount] ?? 8000) })
      .withServerTimeout(20_000)
      .withKeepAliveInterval(5_000)
      .build();
    this.connection.on('event', (e: RoomEvent) => this.receive(e));
    this.connection.on('signal', (s: SignalMessage) => this.on.signal(s));
    this.connection.onreconnecting(() => this.on.connection('reconnecting'));
    this.connection.onreconnected(() => void this.rejoin());
    this.connection.onclose((error) => {
      if (this.stopped) return;
      // The server refused this connection: the person holds too many (other tabs, devices); retrying would not help.
      if (codeOf(error) === 'too-many-connections') {
        this.stopped = true;
        this.on.entry({ status: 'refused', reason: 'too-many-connections' });
        return;
      }
      this.on.connection('disconnected');
      void this.restart();
    });
  }

  get seq() { return this.order.newest; }

  /** Another feature (a recording, a live quiz) follows the room's events, each once and in order; returns how to stop. */
  listen(listener: (e: RoomEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  async start() {
    this.on.connection('connecting');
    await this.connection.start();
    await this.rejoin();
  }

  /**
   * Back in the room after a (re)connection, trying until it works: the room may be being rebuilt on another
   * server (cluster mode), and a connection that is up but not joined hears nothing. The page shows `rejoining`.
   */
  private async rejoin() {
    for (let attempt = 0; !this.stopped && this.connection.state === signalR.HubConnectionState.Connected; attempt++) {
      try {
        await this.join();
        this.on.connection('connected');
        return;
      } catch {
        this.on.connection('rejoining');
        await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
      }
    }
  }

  /** After the automatic retries gave up: keep trying, a little slower, until the page is left. */
  private async restart() {
    for (let attempt = 0; !this.stopped; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(15_000, 2000 * (attempt + 1))));
      try {
        await this.start();
        return;
      } catch {
        this.on.connection('disconnected');
      }
    }
  }

  async stop() {
    this.stopped = true;
    try {
      if (this.connection.state === signalR.HubConnectionState.Connected) await this.connection.invoke('Leave', this.sessionId);
    } catch { /* leaving anyway */ }
    await this.connection.stop();
  }

  /** Joins (again): the missed events since the last one seen (in every audience), or a snapshot. */
  async join(fresh = false) {
    this.joining = true;
    this.held = [];
    try {
      const from = fresh ? null : this.order.resumeFrom();
      let result = await this.connection.invoke<JoinResult>('Join', this.sessionId, from);
      // The room could not finish the join in time (a stuck delivery on the server): try again, a little later each time.
      for (let attempt = 1; result.status === 'refused' && result.reason === 'unavailable' && !this.stopped && attempt <= 5; attempt++) {
        await new Promise((r) => setTimeout(r, 1000 * attempt));
        result = await this.connection.invoke<JoinResult>('Join', this.sessionId, from);
      }
      this.on.entry({ status: result.status, reason: result.reason });
      if (result.snapshot) this.model = fromSnapshot(result.snapshot);
      for (const e of result.events) if (this.order.replayed(e)) this.applyOne(e);
      this.order.joined(result.seq, result.audiences ?? []);
      const waiting = [...this.order.takeHeld(), ...this.held];
      this.held = [];
      this.joining = false;
      for (const e of waiting) this.take(e);
      if (this.model) this.on.model(this.model);
    } finally {
      this.joining = false;
      this.held = [];
    }
  }

  private receive(e: RoomEvent) {
    if (this.joining) {
      this.held.push(e);
      return;
    }
    this.take(e);
    if (this.model) this.on.model(this.model);
  }

  /** Applies an event unless it was seen, or holds it until an older one of its audience arrives (then applies both). */
  private take(e: RoomEvent) {
    // A new server took over the room: join again from what this page saw before the signal, so it is replayed or
    // sent a snapshot (the signal's own number says nothing about the events the old server forgot).
    if (e.type === 'room.resync') {
      if (this.order.accepts(e)) void this.join();
      return;
    }
    for (const ready of this.order.offer(e)) this.applyOne(ready);
    if (this.order.holding) {
      // An older event of one of its audiences has not come: it may be on its way (another group's channel), or lost
      // (the server restarted the room). Give it a moment, then ask the room for what was missed.
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = null;
        if (this.order.holding && !this.stopped) void this.join();
      }, GAP_WAIT_MS);
    } else if (this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  private applyOne(raw: RoomEvent) {
    this.on.event?.(raw);
    this.listeners.forEach((listener) => listener(raw));
    const e = parseEvent(raw);
    if (isKnown(e)) {
      switch (e.type) {
        case 'you.admitted':
          void this.join(true);
          return;
        case 'session.started':
          if (this.model?.me.role !== 'student') break;
          void this.join(true);
          return;
        case 'session.next':
          // A new run of this session began while this page showed the last one's end: the student chooses to join it.
          this.on.entry({ status: 'waiting', reason: 'next-run' });
          return;
        case 'you.removed':
          this.on.entry({ status: 'refused', reason: 'removed' });
          return;
      }
    }
    if (this.model) this.model = apply(this.model, e, this.on.reaction);
  }

  // ---------------------------------------------------------------- the hub's commands (ClassroomHub), each sent once

  // Everyone in the room.
  sendChat(text: string) { return this.command('SendChat', text); }
  raiseHand() { return this.command('RaiseHand'); }
  lowerHand() { return this.command('LowerHand'); }
  react(emoji: string) { return this.command('React', emoji); }
  answerPoll(pollId: string, choices: number[]) { return this.command('AnswerPoll', pollId, choices); }
  setMyMedia(mode: MyMedia) { return this.command('SetMyMedia', mode); }

  // Teachers.
  startSession() { return this.command('Start'); }
  endSession() { return this.command('End'); }
  /** Lets one person in from the waiting room, or everyone waiting (null). */
  admit(userId: string | null) { return this.command('Admit', userId); }
  setLock(locked: boolean) { return this.command('SetLock', locked); }
  setWaitingRoom(enabled: boolean) { return this.command('SetWaitingRoom', enabled); }
  setStudentChat(studentsMayChat: boolean) { return this.command('SetChat', studentsMayChat); }
  setMediaMode(mode: MediaMode) { return this.command('SetMediaMode', mode); }
  mute(userId: string) { return this.command('Mute', userId); }
  remove(userId: string) { return this.command('Remove', userId); }
  giveFloor(userId: string, allowVideo: boolean) { return this.command('GiveFloor', userId, allowVideo); }
  takeFloor() { return this.command('TakeFloor'); }
  clearHand(userId: string) { return this.command('ClearHand', userId); }
  deleteChat(messageId: string) { return this.command('DeleteChat', messageId); }
  openPoll(question: string, options: string[], multiple: boolean, anonymous: boolean) {
    return this.command('OpenPoll', question, options, multiple, anonymous);
  }
  closePoll(showResults: boolean) { return this.command('ClosePoll', showResults); }
  /** Groups of students for some minutes; with assignments (user id to group number) chosen, else shuffled. */
  startBreakouts(groups: number, minutes: number, assignments: Record<string, number> | null) {
    return this.command('StartBreakouts', groups, minutes, assignments);
  }
  broadcastToBreakouts(text: string) { return this.command('BroadcastToBreakouts', text); }
  endBreakouts() { return this.command('EndBreakouts'); }

  // The live quiz (ClassroomHub.LiveQuiz).
  launchQuizQuestion(questionId: string, timeLimitSeconds: number | null, speedBonus: boolean) {
    return this.command('LaunchQuizQuestion', questionId, timeLimitSeconds, speedBonus);
  }
  closeQuizQuestion() { return this.command('CloseQuizQuestion'); }
  revealQuizResults() { return this.command('RevealQuizResults'); }
  showQuizLeaderboard() { return this.command('ShowQuizLeaderboard'); }
  clearQuiz() { return this.command('ClearQuiz'); }
  /** A student's answer; `response` is the question's response as JSON (as in a quiz attempt). */
  answerQuiz(launchId: string, response: string) { return this.command('AnswerQuiz', launchId, response); }
  /** The quiz as this person may see it now (JSON of a QuizView). */
  quizState() { return this.connection.invoke<string>('QuizState', this.sessionId); }

  // A teacher's tabs (ClassroomHub.Tabs).
  claimTab(tabId: string, takeOver: boolean) { return this.connection.invoke<TabClaim>('ClaimTab', this.sessionId, tabId, takeOver); }

  // Students' cameras (ClassroomHub.Cameras, cameraGrid.ts).
  /** Asks the class (userId null) or one student to turn cameras on. */
  askCameras(userId: string | null) { return this.command('AskCameras', userId); }
  /** Asks the class (userId null) or one student to turn cameras off. */
  stopCameras(userId: string | null) { return this.command('StopCameras', userId); }
  setMyCamera(state: 'on' | 'refused' | 'none' | 'off') { return this.command('SetMyCamera', state); }
  /** The cameras this person may know of (a teacher every student's, a student their own). */
  cameras() { return this.connection.invoke<CameraState[]>('Cameras', this.sessionId); }
  cameraSignal(to: string, kind: string, payload: unknown) {
    if (this.connection.state !== signalR.HubConnectionState.Connected) return;
    this.connection.invoke('CameraSignal', this.sessionId, to, kind, JSON.stringify(payload)).catch(() => {});
  }

  /** Sends a command once: the same id is reused if it must be sent again after a reconnect. */
  private async command(method: string, ...args: unknown[]): Promise<void> {
    const id = crypto.randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connection.invoke(method, this.sessionId, id, ...args);
        return;
      } catch (error) {
        const code = codeOf(error);
        if (code !== null) throw new RoomError(code);
        if (attempt >= 4 || this.stopped) throw new RoomError('network');
        await this.whenConnected();
      }
    }
  }

  signal(to: string, kind: string, payload: unknown) {
    if (this.connection.state !== signalR.HubConnectionState.Connected) return;
    this.connection.invoke('Signal', this.sessionId, to, kind, typeof payload === 'string' ? payload : JSON.stringify(payload)).catch(() => {});
  }

  private whenConnected(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.connection.state === signalR.HubConnectionState.Connected && !this.joining) resolve();
        else setTimeout(check, 300);
      };
      check();
    });
  }
}

/** How long an event waits for an older one of its audience before the room is asked for what was missed. */
const GAP_WAIT_MS = 1500;

/** The stable code of a HubException ("… HubException: chat-off"), or null for a connection failure. */
function codeOf(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const match = /HubException: ([a-z-]+)/.exec(message);
  return match ? match[1] : null;
}
