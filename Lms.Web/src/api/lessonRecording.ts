// Recording a live lesson: the session's recording state, start and stop (its teachers), and the
// setting that records a session from its start. The pieces go to the content API (LessonRecorder).
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
}

export interface SessionRecordingState {
  mode: 'browser' | 'livekit';
  recordAutomatically: boolean;
  canRecord: boolean;
  now: LessonRecording | null;
  recordings: LessonRecording[];
}

const base = (sessionId: string) => `/api/classroom/sessions/${sessionId}/recording`;

export const lessonRecordingApi = {
  state: (sessionId: string) => request<SessionRecordingState>(base(sessionId)),
  start: (sessionId: string, title: string) => request<LessonRecording>(base(sessionId), { body: { title } }),
  stop: (sessionId: string, pieceCount: number | null) =>
    request<LessonRecording | null>(`${base(sessionId)}/stop`, { body: { pieceCount } }),
  setAutomatic: (sessionId: string, recordAutomatically: boolean) =>
    request<{ recordAutomatically: boolean }>(`${base(sessionId)}/settings`, { method: 'PUT', body: { recordAutomatically } }),
};
