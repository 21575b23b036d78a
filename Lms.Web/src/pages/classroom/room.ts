// The live room on the client: one hub connection, the room model built from a snapshot and the
// sequenced events, replay on reconnect, and commands that are sent once (a command id per intent).
import * as signalR from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

export interface RoomEvent { sessionId: string; seq: number; type: string; at: string; data: string }
export interface JoinResult { status: 'joined' | 'waiting' | 'refused'; reason: string | null; role: 'teacher' | 'student'; seq: number; snapshot: string | null; events: RoomEvent[] }
export interface SignalMessage { sessionId: string; from: string; fromName: string; kind: string; payload: string }

export interface Person { userId: string; name: string; role: string; online: boolean; hand: string | null; media: string; breakout: number | null }
export interface ChatLine { id: string; userId: string; name: string; role: string; text: string; at: string; group: number | null; deleted: boolean }
export interface Poll {
  id: string; question: string; options: string[]; multiple: boolean; anonymous: boolean; closed: boolean; shown: boolean;
  counts: number[] | null; answered: number | null; myChoices: number[] | null;
}
export interface Breakout { groups: { n: number; members: { userId: string; name: string }[] }[]; endsAt: string }
export interface Reaction { key: number; emoji: string; name: string }

export interface RoomModel {
  seq: number;
  status: 'scheduled' | 'live' | 'ended';
  runId: string | null;
  presenterId: string | null;
  settings: { locked: boolean; waitingRoom: boolean; studentChat: boolean; mediaMode: 'video' | 'audio' | 'off' };
  me: { userId: string; role: 'teacher' | 'student'; admitted: boolean; hand: string | null; media: string; breakout: number | null; floor: boolean };
  count: number;
  participants: Person[];
  waiting: { userId: string; name: string; at: string }[] | null;
  hands: { userId: string; name: string; at: string }[];
  floor: { userId: string; name: string; allowVideo: boolean } | null;
  poll: Poll | null;
  breakout: Breakout | null;
  chat: ChatLine[];
  muted: number;
  lastBreakoutMessage: { text: string; from: string } | null;
}

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
export type Entry = { status: JoinResult['status']; reason: string | null };

let reactionKey = 0;

/** Applies one event to the model (a new object: React sees the change). */
export function apply(model: RoomModel, e: RoomEvent, reactions: (r: Reaction) => void): RoomModel {
  const d = JSON.parse(e.data);
  const m: RoomModel = { ...model, seq: e.seq };
  const me = m.me.userId;
  switch (e.type) {
    case 'session.started':
      return { ...m, status: 'live', runId: d.runId, presenterId: d.presenterId, hands: [], floor: null, poll: null, breakout: null, chat: [] };
    case 'session.ended':
      // Nobody is in an ended room: no hands up, nobody counted or listed (the teacher's records keep who came).
      return {
        ...m, status: 'ended', floor: null, poll: m.poll && { ...m.poll, closed: true }, hands: [], count: 0, participants: [],
        breakout: null, me: { ...m.me, hand: null, floor: false, breakout: null },
      };
    case 'room.settings':
      return { ...m, settings: d };
    case 'room.count':
      return { ...m, count: d.count };
    case 'participant.joined':
      return { ...m, participants: [...m.participants.filter((p) => p.userId !== d.userId), d], count: Math.max(m.count, m.participants.length + 1) };
    case 'participant.left':
      return { ...m, participants: m.participants.filter((p) => p.userId !== d.userId) };
    case 'participant.away':
    case 'participant.back':
      return { ...m, participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, online: e.type === 'participant.back' } : p)) };
    case 'participant.media':
      return {
        ...m,
        participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, media: d.mode } : p)),
        me: d.userId === me ? { ...m.me, media: d.mode } : m.me,
      };
    case 'waiting.joined':
      return { ...m, waiting: [...(m.waiting ?? []).filter((w) => w.userId !== d.userId), d] };
    case 'waiting.left':
      return { ...m, waiting: (m.waiting ?? []).filter((w) => w.userId !== d.userId) };
    case 'hand.raised':
      return {
        ...m, hands: [...m.hands.filter((h) => h.userId !== d.userId), d],
        participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, hand: d.at } : p)),
        me: d.userId === me ? { ...m.me, hand: d.at } : m.me,
      };
    case 'hand.lowered':
      return {
        ...m, hands: m.hands.filter((h) => h.userId !== d.userId),
        participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, hand: null } : p)),
        me: d.userId === me ? { ...m.me, hand: null } : m.me,
      };
    case 'chat.message':
      return { ...m, chat: [...m.chat, d].slice(-200) };
    case 'chat.deleted':
      return { ...m, chat: m.chat.map((c) => (c.id === d.id ? { ...c, deleted: true, text: '' } : c)) };
    case 'reaction':
      reactions({ key: ++reactionKey, emoji: d.emoji, name: d.name });
      return m;
    case 'reactions':
      for (const [emoji, count] of Object.entries(d.counts as Record<string, number>))
        reactions({ key: ++reactionKey, emoji, name: `×${count}` });
      return m;
    case 'poll.opened':
      return { ...m, poll: { ...d, myChoices: null } };
    case 'poll.tally':
    case 'poll.results':
      return m.poll && m.poll.id === d.id ? { ...m, poll: { ...m.poll, counts: d.counts, answered: d.answered } } : m;
    case 'poll.closed':
      return m.poll && m.poll.id === d.id
        ? { ...m, poll: { ...m.poll, closed: true, shown: d.shown, counts: d.counts ?? m.poll.counts, answered: d.answered ?? m.poll.answered } }
        : m;
    case 'floor.given':
      return { ...m, floor: d, me: { ...m.me, floor: d.userId === me } };
    case 'floor.taken':
      return { ...m, floor: null, me: { ...m.me, floor: false } };
    case 'media.muted':
      return d.userId === me ? { ...m, muted: m.muted + 1 } : m;
    case 'breakout.started': {
      const groups = d.groups as Breakout['groups'];
      const groupOf = (userId: string) => groups.find((g) => g.members.some((x) => x.userId === userId))?.n;
      const mine = groupOf(me);
      // The teacher gets every group; a student only their own, so only those members' labels change.
      const participants = m.participants.map((p) => {
        const n = groupOf(p.userId);
        return n === undefined ? p : { ...p, breakout: n };
      });
      return { ...m, breakout: d, participants, me: { ...m.me, breakout: mine ?? m.me.breakout } };
    }
    case 'breakout.message':
      return { ...m, lastBreakoutMessage: { text: d.text, from: d.from } };
    case 'breakout.ended':
      return {
        ...m, breakout: null, lastBreakoutMessage: null, me: { ...m.me, breakout: null }, chat: m.chat.filter((c) => c.group === null),
        participants: m.participants.map((p) => (p.breakout === null ? p : { ...p, breakout: null })),
      };
    default:
      return m; // a kind another feature adds (a live quiz, a recording) is theirs to show
  }
}

export function fromSnapshot(json: string): RoomModel {
  const s = JSON.parse(json);
  return { ...s, waiting: s.waiting ?? null, muted: 0, lastBreakoutMessage: null };
}

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
  private lastSeq: number | null = null;
  private joining = false;
  private held: RoomEvent[] = [];
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
    this.connection.onreconnected(() => {
      this.on.connection('connected');
      void this.join();
    });
    this.connection.onclose(() => {
      if (this.stopped) return;
      this.on.connection('disconnected');
      void this.restart();
    });
  }

  get seq() { return this.lastSeq; }

  /** Another feature (a recording, a live quiz) follows the room's events, each once and in order; returns how to stop. */
  listen(listener: (e: RoomEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  async start() {
    this.on.connection('connecting');
    await this.connection.start();
    this.on.connection('connected');
    await this.join();
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

  /** Joins (again): the missed events since the last one seen, or a snapshot. */
  async join(fresh = false) {
    this.joining = true;
    this.held = [];
    try {
      let result = await this.connection.invoke<JoinResult>('Join', this.sessionId, fresh ? null : this.lastSeq);
      // The room could not finish the join in time (a stuck delivery on the server): try again, a little later each time.
      for (let attempt = 1; result.status === 'refused' && result.reason === 'unavailable' && !this.stopped && attempt <= 5; attempt++) {
        await new Promise((r) => setTimeout(r, 1000 * attempt));
        result = await this.connection.invoke<JoinResult>('Join', this.sessionId, fresh ? null : this.lastSeq);
      }
      this.on.entry({ status: result.status, reason: result.reason });
      if (result.snapshot) {
        this.model = fromSnapshot(result.snapshot);
        this.lastSeq = result.seq;
      }
      for (const e of result.events) this.applyOne(e);
      for (const e of this.held) this.applyOne(e);
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
    this.applyOne(e);
    if (this.model) this.on.model(this.model);
  }

  private applyOne(e: RoomEvent) {
    if (this.lastSeq !== null && e.seq <= this.lastSeq) return; // seen already (live and replayed)
    this.lastSeq = e.seq;
    this.on.event?.(e);
    this.listeners.forEach((listener) => listener(e));
    if (e.type === 'room.resync') {
      void this.join();
      return;
    }
    if (e.type === 'you.admitted' || (e.type === 'session.started' && this.model?.me.role === 'student')) {
      void this.join(true);
      return;
    }
    if (e.type === 'session.next') {
      // A new run of this session began while this page showed the last one's end: the student chooses to join it.
      this.on.entry({ status: 'waiting', reason: 'next-run' });
      return;
    }
    if (e.type === 'you.removed') {
      this.on.entry({ status: 'refused', reason: 'removed' });
      return;
    }
    if (this.model) this.model = apply(this.model, e, this.on.reaction);
  }

  /** Sends a command once: the same id is reused if it must be sent again after a reconnect. */
  async command(method: string, ...args: unknown[]): Promise<void> {
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

/** The stable code of a HubException ("… HubException: chat-off"), or null for a connection failure. */
function codeOf(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const match = /HubException: ([a-z-]+)/.exec(message);
  return match ? match[1] : null;
}
