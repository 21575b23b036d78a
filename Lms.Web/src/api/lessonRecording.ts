// Recording a live lesson: the session's recording state, start and stop (its teachers), and the
// setting that records a session from its start. A recording is the session's: the teacher's tab that acts
// for them in the room records it, and a reloaded or reopened tab goes on with it. The pieces go to the content API (LessonRecorder).
import { request } from './client';

export interface LessonRecording {
  id: string;
  title: string;
  status: 'recording' | 'finishing' | 'published' | 'failed';
  runId: string | null;
  ownerId: string;
  startedAt: string;
  endedAt: string | null;
  publishedAt: string | null;
  itemId: string | null;
  courseItemId: string | null;
  courseId: string | null;
  error: string | null;
  /** The recording in progress: the teacher's tab that records it (teachers only). */
  recorderTab?: string | null;
  /** The recording in progress: the piece its recording tab sends next (teachers only). */
  nextPiece?: number | null;
  /** The recording in progress: whether pieces are arriving. */
  receiving?: boolean | null;
  lastPieceAt?: string | null;
  /** The answer to a start: it went on with the recording in progress. */
  resumed?: boolean | null;
}

export interface SessionRecordingState {
  mode: 'browser' | 'livekit';
  recordAutomatically: boolean;
  canRecord: boolean;
  now: LessonRecording | null;
  recordings: LessonRecording[];
  /** Seconds of a piece the recording tab records and sends. */
  pieceSeconds: number;
}

const base = (sessionId: string) => `/api/classroom/sessions/${sessionId}/recording`;

export const lessonRecordingApi = {
  state: (sessionId: string) => request<SessionRecordingState>(base(sessionId)),
  /** Starts recording, or goes on from this tab with the recording in progress (then `resumed`, from `nextPiece`). */
  start: (sessionId: string, title: string, tabId: string) => request<LessonRecording>(base(sessionId), { body: { title, tabId } }),
  stop: (sessionId: string, pieceCount: number | null, tabId: string) =>
    request<LessonRecording | null>(`${base(sessionId)}/stop`, { body: { pieceCount, tabId } }),
  setAutomatic: (sessionId: string, recordAutomatically: boolean) =>
    request<{ recordAutomatically: boolean }>(`${base(sessionId)}/settings`, { method: 'PUT', body: { recordAutomatically } }),
};
