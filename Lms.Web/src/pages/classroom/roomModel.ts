// The room as this page knows it: built from a snapshot (RoomSnapshot) and kept up to date by the room's
// numbered events, each applied once and in order (see Room in room.ts).
import { isKnown, type BreakoutsView, type ChatLine, type OtherEvent, type ParticipantView, type RoomPoll, type RoomSnapshot, type TypedEvent } from './events';

export type Person = ParticipantView;
export type Poll = RoomPoll;
export type Breakout = BreakoutsView;
export type { ChatLine };
export interface Reaction { key: number; emoji: string; name: string }

export interface RoomModel extends Omit<RoomSnapshot, 'waiting'> {
  waiting: RoomSnapshot['waiting'];
  /** Counts the teacher's mutes of this person (each one turns the microphone off once). */
  muted: number;
  lastBreakoutMessage: { text: string; from: string } | null;
}

let reactionKey = 0;

/** Applies one event to the model (a new object: React sees the change). */
export function apply(model: RoomModel, e: TypedEvent | OtherEvent, reactions: (r: Reaction) => void): RoomModel {
  const m: RoomModel = { ...model, seq: e.seq };
  if (!isKnown(e)) return m; // a kind another feature adds (a recording) is theirs to show
  const me = m.me.userId;
  switch (e.type) {
    case 'session.started': {
      const d = e.data;
      return { ...m, status: 'live', runId: d.runId, presenterId: d.presenterId, hands: [], floor: null, poll: null, breakout: null, chat: [] };
    }
    case 'session.ended':
      // Nobody is in an ended room: no hands up, nobody counted or listed (the teacher's records keep who came).
      return {
        ...m, status: 'ended', floor: null, poll: m.poll && { ...m.poll, closed: true }, hands: [], count: 0, participants: [],
        breakout: null, me: { ...m.me, hand: null, floor: false, breakout: null },
      };
    case 'room.settings':
      return { ...m, settings: e.data };
    case 'room.count':
      return { ...m, count: e.data.count };
    case 'participant.joined': {
      const d = e.data;
      return { ...m, participants: [...m.participants.filter((p) => p.userId !== d.userId), d], count: Math.max(m.count, m.participants.length + 1) };
    }
    case 'participant.left': {
      const d = e.data;
      return { ...m, participants: m.participants.filter((p) => p.userId !== d.userId) };
    }
    case 'participant.away':
    case 'participant.back': {
      const d = e.data;
      const online = e.type === 'participant.back';
      return { ...m, participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, online } : p)) };
    }
    case 'participant.media': {
      const d = e.data;
      return {
        ...m,
        participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, media: d.mode } : p)),
        me: d.userId === me ? { ...m.me, media: d.mode } : m.me,
      };
    }
    case 'waiting.joined': {
      const d = e.data;
      return { ...m, waiting: [...(m.waiting ?? []).filter((w) => w.userId !== d.userId), d] };
    }
    case 'waiting.left': {
      const d = e.data;
      return { ...m, waiting: (m.waiting ?? []).filter((w) => w.userId !== d.userId) };
    }
    case 'hand.raised': {
      const d = e.data;
      return {
        ...m, hands: [...m.hands.filter((h) => h.userId !== d.userId), d],
        participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, hand: d.at } : p)),
        me: d.userId === me ? { ...m.me, hand: d.at } : m.me,
      };
    }
    case 'hand.lowered': {
      const d = e.data;
      return {
        ...m, hands: m.hands.filter((h) => h.userId !== d.userId),
        participants: m.participants.map((p) => (p.userId === d.userId ? { ...p, hand: null } : p)),
        me: d.userId === me ? { ...m.me, hand: null } : m.me,
      };
    }
    case 'chat.message':
      return { ...m, chat: [...m.chat, e.data].slice(-200) };
    case 'chat.deleted': {
      const d = e.data;
      return { ...m, chat: m.chat.map((c) => (c.id === d.id ? { ...c, deleted: true, text: '' } : c)) };
    }
    case 'reaction':
      reactions({ key: ++reactionKey, emoji: e.data.emoji, name: e.data.name });
      return m;
    case 'reactions':
      for (const [emoji, count] of Object.entries(e.data.counts)) reactions({ key: ++reactionKey, emoji, name: `×${count}` });
      return m;
    case 'poll.opened':
      return { ...m, poll: { ...e.data, myChoices: null } };
    case 'poll.tally':
    case 'poll.results': {
      const d = e.data;
      return m.poll && m.poll.id === d.id ? { ...m, poll: { ...m.poll, counts: d.counts, answered: d.answered } } : m;
    }
    case 'poll.closed': {
      const d = e.data;
      return m.poll && m.poll.id === d.id
        ? { ...m, poll: { ...m.poll, closed: true, shown: d.shown, counts: d.counts ?? m.poll.counts, answered: d.answered ?? m.poll.answered } }
        : m;
    }
    case 'floor.given':
      return { ...m, floor: e.data, me: { ...m.me, floor: e.data.userId === me } };
    case 'floor.taken':
      return { ...m, floor: null, me: { ...m.me, floor: false } };
    case 'media.muted':
      return e.data.userId === me ? { ...m, muted: m.muted + 1 } : m;
    case 'breakout.started': {
      const d = e.data;
      const groupOf = (userId: string) => d.groups.find((g) => g.members.some((x) => x.userId === userId))?.n;
      const mine = groupOf(me);
      // The teacher gets every group; a student only their own, so only those members' labels change.
      const participants = m.participants.map((p) => {
        const n = groupOf(p.userId);
        return n === undefined ? p : { ...p, breakout: n };
      });
      return { ...m, breakout: d, participants, me: { ...m.me, breakout: mine ?? m.me.breakout } };
    }
    case 'broadcast.mode':
      return { ...m, broadcast: e.data };
    case 'breakout.message':
      return { ...m, lastBreakoutMessage: { text: e.data.text, from: e.data.from } };
    case 'breakout.ended':
      return {
        ...m, breakout: null, lastBreakoutMessage: null, me: { ...m.me, breakout: null }, chat: m.chat.filter((c) => c.group === null),
        participants: m.participants.map((p) => (p.breakout === null ? p : { ...p, breakout: null })),
      };
    default:
      return m; // the room's own control events (resync, admitted, removed, next run) and the live quiz's are handled elsewhere
  }
}

export function fromSnapshot(json: string): RoomModel {
  const s = JSON.parse(json) as RoomSnapshot;
  return { ...s, waiting: s.waiting ?? null, broadcast: s.broadcast ?? null, muted: 0, lastBreakoutMessage: null };
}
