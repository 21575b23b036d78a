// Broadcast mode: whether the lesson goes out as HLS, the teacher's choice, and the end of a run's broadcast.
// The pieces go up through LessonRecorder (the recording's uploader) to the broadcast's piece address.
import { api, call, type Schemas } from '../../api/typed';

export type BroadcastState = Schemas['BroadcastView'];

const session = (sessionId: string) => ({ params: { path: { sessionId } } });

export const broadcastApi = {
  state: (sessionId: string) => call(api.GET('/api/classroom/sessions/{sessionId}/broadcast', session(sessionId))),
  choose: (sessionId: string, on: boolean | null) =>
    call(api.PUT('/api/classroom/sessions/{sessionId}/broadcast', { ...session(sessionId), body: { on } })),
  /** Closes the run's broadcast; the server publishes it as the lesson's recording under this title. */
  end: (sessionId: string, title: string) =>
    call(api.POST('/api/classroom/sessions/{sessionId}/broadcast/end', { ...session(sessionId), body: { title } })),
  pieceUrl: (sessionId: string, index: number) => `/api/classroom/sessions/${sessionId}/broadcast/pieces/${index}`,
};
