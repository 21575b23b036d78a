// Recording a live lesson: the session's recording state, start and stop (its teachers), and the
// setting that records a session from its start. A recording is the session's: the teacher's tab that acts
// for them in the room records it, and a reloaded or reopened tab goes on with it. The pieces go to the content API (LessonRecorder).
// Shapes and paths come from the server's OpenAPI document (typed.ts); only the closed sets of values are narrowed here.
import { api, call, type Schemas } from './typed';

export type LessonRecording = Omit<Schemas['LessonRecordingView'], 'status'> & {
  status: 'recording' | 'finishing' | 'published' | 'failed';
};

export type SessionRecordingState = Omit<Schemas['SessionRecordingState'], 'mode' | 'now' | 'recordings'> & {
  mode: 'browser' | 'livekit';
  now: LessonRecording | null;
  recordings: LessonRecording[];
};

const session = (sessionId: string) => ({ params: { path: { sessionId } } });

export const lessonRecordingApi = {
  state: (sessionId: string) =>
    call(api.GET('/api/classroom/sessions/{sessionId}/recording', session(sessionId))) as Promise<SessionRecordingState>,
  /** Starts recording, or goes on from this tab with the recording in progress (then `resumed`, from `nextPiece`). */
  start: (sessionId: string, title: string, tabId: string) =>
    call(api.POST('/api/classroom/sessions/{sessionId}/recording', { ...session(sessionId), body: { title, tabId } })) as Promise<LessonRecording>,
  stop: (sessionId: string, pieceCount: number | null, tabId: string) =>
    call(api.POST('/api/classroom/sessions/{sessionId}/recording/stop', { ...session(sessionId), body: { pieceCount, tabId } })) as Promise<LessonRecording | null>,
  setAutomatic: (sessionId: string, recordAutomatically: boolean) =>
    call(api.PUT('/api/classroom/sessions/{sessionId}/recording/settings', { ...session(sessionId), body: { recordAutomatically } })),
};
