// The wire between the room and this app: every event the classroom and the live quiz publish, with its data.
// This file mirrors Lms.Grains/Classroom/ClassroomEvents.cs (same event names, same interface names, same
// field names); ClassroomWireTests in Lms.Tests reads both and fails when they differ. Rules that keep that
// check simple: one interface per C# record, every object type a named interface (no inline `{ … }` types),
// every event in ClassroomEventMap; a shape declared elsewhere is re-exported (`export type { … } from`) or
// aliased (`export type A = B;`), and the check follows it there.

import type { Leaderboard, LiveQuizBucket, LiveQuizLaunch, LiveQuizResults } from '../../api/livequiz';

/** One event as the hub delivers it: `data` is the event's data as JSON (parse it with `parseEvent`); `after`: per audience the event goes to, the number of that audience's previous event (see eventOrder.ts). */
export interface RoomEvent { sessionId: string; seq: number; type: string; at: string; data: string; after?: Record<string, number> | null }

export type NoData = Record<string, never>;
export interface UserRef { userId: string }
export interface SessionStarted { runId: string; startedAt: string; presenterId: string; presenterName: string }
export interface NextRun { runId: string }
export interface SessionEnded { runId: string; endedAt: string }
export interface RoomSettings { locked: boolean; waitingRoom: boolean; studentChat: boolean; mediaMode: 'video' | 'audio' | 'off' }
export interface RoomCount { count: number }
export interface WaitingPerson { userId: string; name: string; at: string }
export interface ParticipantView { userId: string; name: string; role: string; online: boolean; hand: string | null; media: string; breakout: number | null }
export interface MediaChoice { userId: string; mode: string }
export interface RaisedHand { userId: string; name: string; at: string }
export interface HandLowered { userId: string; by: 'self' | 'teacher' | 'floor' | 'left' }
export interface FloorView { userId: string; name: string; allowVideo: boolean }
export interface ChatLine { id: string; userId: string; name: string; role: string; text: string; at: string; group: number | null; deleted: boolean }
export interface ChatDeleted { id: string }
export interface ReactionSent { userId: string; name: string; emoji: string }
export interface ReactionCounts { counts: Record<string, number> }
export interface RoomPoll {
  id: string; question: string; options: string[]; multiple: boolean; anonymous: boolean; openedAt: string; closed: boolean; shown: boolean;
  counts: number[] | null; answered: number | null; myChoices: number[] | null;
}
export interface PollTally { id: string; counts: number[]; answered: number }
export interface PollClosed { id: string; shown: boolean; counts: number[] | null; answered: number | null }
export interface GroupMember { userId: string; name: string }
export interface BreakoutGroup { n: number; members: GroupMember[] }
export interface BreakoutsView { groups: BreakoutGroup[]; endsAt: string }
export interface BreakoutMessage { text: string; from: string; at: string }
export interface TabClaimed { userId: string; tabId: string; since: string }
export interface TabReleased { userId: string; tabId: string }

// The teacher sees the class: students' cameras (cameraGrid.ts).
export interface CameraRequest { userId: string | null }
export interface CameraState { userId: string; name: string; state: 'asked' | 'on' | 'refused' | 'none' | 'off' }

// The live quiz: its shapes are those of api/livequiz (QuizState and the quiz's records use them too).
export type { LeaderboardEntry, LiveQuizBucket, LiveQuizLaunch, LiveQuizResults } from '../../api/livequiz';
export type LiveQuizLeaderboard = Leaderboard;
export interface QuizTally { launchId: string; answered: number; inRoom: number; distribution: LiveQuizBucket[] }
export interface QuizClosed { launchId: string; closedAt: string; answered: number }

// Broadcast mode (the server decides, the room tells every page): on, the teacher's choice, and the run on air.
export interface BroadcastMode { on: boolean; chosen: boolean | null; students: number; aboveStudents: number; liveRunId: string | null; endedRunId?: string | null }

// A lesson's recording (sent through the room by the server's LessonRecordings).
export interface RecordingStarted { recordingId: string; by: string; startedAt: string; mode: 'browser' | 'livekit' }
export interface RecordingResumed { recordingId: string; by: string }
export interface RecordingStopped { recordingId: string }

// What Join answers when the missed events cannot be replayed: the room as this person may see it.
export interface Myself { userId: string; role: 'teacher' | 'student'; admitted: boolean; hand: string | null; media: string; breakout: number | null; floor: boolean }
export interface RoomSnapshot {
  seq: number; status: 'scheduled' | 'live' | 'ended'; runId: string | null; startedAt: string | null; presenterId: string | null;
  settings: RoomSettings; me: Myself; count: number; participants: ParticipantView[]; waiting: WaitingPerson[] | null;
  hands: RaisedHand[]; floor: FloorView | null; poll: RoomPoll | null; breakout: BreakoutsView | null; chat: ChatLine[];
  broadcast: BroadcastMode | null;
}

/** Every event's name and the type of its data. */
export interface ClassroomEventMap {
  'session.started': SessionStarted;
  'session.next': NextRun;
  'session.ended': SessionEnded;
  'room.resync': NoData;
  'room.settings': RoomSettings;
  'room.count': RoomCount;
  'waiting.joined': WaitingPerson;
  'waiting.left': UserRef;
  'you.admitted': UserRef;
  'you.removed': UserRef;
  'participant.joined': ParticipantView;
  'participant.left': UserRef;
  'participant.away': UserRef;
  'participant.back': UserRef;
  'participant.media': MediaChoice;
  'media.muted': UserRef;
  'hand.raised': RaisedHand;
  'hand.lowered': HandLowered;
  'floor.given': FloorView;
  'floor.taken': UserRef;
  'chat.message': ChatLine;
  'chat.deleted': ChatDeleted;
  'reaction': ReactionSent;
  'reactions': ReactionCounts;
  'poll.opened': RoomPoll;
  'poll.tally': PollTally;
  'poll.closed': PollClosed;
  'poll.results': PollTally;
  'breakout.started': BreakoutsView;
  'breakout.message': BreakoutMessage;
  'breakout.ended': NoData;
  'tab.claimed': TabClaimed;
  'tab.released': TabReleased;
  'cameras.asked': CameraRequest;
  'cameras.stopped': CameraRequest;
  'camera.changed': CameraState;
  'quiz.launched': LiveQuizLaunch;
  'quiz.tally': QuizTally;
  'quiz.closed': QuizClosed;
  'quiz.results': LiveQuizResults;
  'quiz.leaderboard': LiveQuizLeaderboard;
  'quiz.cleared': NoData;
  'broadcast.mode': BroadcastMode;
  'recording.started': RecordingStarted;
  'recording.resumed': RecordingResumed;
  'recording.stopped': RecordingStopped;
}

export type ClassroomEventName = keyof ClassroomEventMap;

/** One event with its data, as a union on `type`: a `switch (e.type)` knows each case's data. */
export type TypedEvent = { [K in ClassroomEventName]: { type: K; seq: number; at: string; data: ClassroomEventMap[K] } }[ClassroomEventName];

/** An event of a kind this file does not list (one a newer server sends): only its name is known. */
export interface OtherEvent { type: string; seq: number; at: string; data: unknown }

// Every name once (the compiler refuses a missing or unknown one), to tell a known event from another feature's.
const known: Record<ClassroomEventName, true> = {
  'session.started': true, 'session.next': true, 'session.ended': true, 'room.resync': true, 'room.settings': true, 'room.count': true,
  'waiting.joined': true, 'waiting.left': true, 'you.admitted': true, 'you.removed': true, 'participant.joined': true,
  'participant.left': true, 'participant.away': true, 'participant.back': true, 'participant.media': true, 'media.muted': true,
  'hand.raised': true, 'hand.lowered': true, 'floor.given': true, 'floor.taken': true, 'chat.message': true, 'chat.deleted': true,
  'reaction': true, 'reactions': true, 'poll.opened': true, 'poll.tally': true, 'poll.closed': true, 'poll.results': true,
  'breakout.started': true, 'breakout.message': true, 'breakout.ended': true, 'tab.claimed': true, 'tab.released': true,
  'cameras.asked': true, 'cameras.stopped': true, 'camera.changed': true,
  'quiz.launched': true, 'quiz.tally': true, 'quiz.closed': true, 'quiz.results': true, 'quiz.leaderboard': true, 'quiz.cleared': true,
  'broadcast.mode': true, 'recording.started': true, 'recording.resumed': true, 'recording.stopped': true,
};


export function isKnown(e: TypedEvent | OtherEvent): e is TypedEvent {
  return Object.hasOwn(known, e.type);
}

/** Reads an event's data once: a known event comes back typed by its name. */
export function parseEvent(e: RoomEvent): TypedEvent | OtherEvent {
  return { type: e.type, seq: e.seq, at: e.at, data: JSON.parse(e.data) } as TypedEvent | OtherEvent;
}
