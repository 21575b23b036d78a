// The live classroom: REST for sessions and records, and the /hubs/classroom connection.
// Shapes and paths come from the server's OpenAPI document (typed.ts); only the closed sets of values are narrowed here.
import { query } from './client';
import { api, call, type Schemas } from './typed';

type Role = 'teacher' | 'student';
type Provider = 'p2p' | 'livekit';

export type TeacherRef = Schemas['TeacherView'];

export type LiveSession = Omit<Schemas['ClassroomSessionView'], 'recurrence' | 'myRole' | 'status' | 'mediaProvider'> & {
  recurrence: 'none' | 'weekly';
  myRole: Role;
  status: 'scheduled' | 'live' | 'ended';
  mediaProvider: Provider;
};

export type AgendaEntry = Omit<Schemas['AgendaEntry'], 'myRole'> & { myRole: Role };
export type Run = Schemas['ClassroomRunView'];
export type AttendancePerson = Schemas['AttendanceView'];
export type AttendanceReport = Schemas['AttendanceReport'];
export type PollRecord = Schemas['PollView'];

export type SessionFields = Omit<Schemas['UpdateSessionRequest'], 'recurrence' | 'teacherIds'> & {
  recurrence: 'none' | 'weekly';
  teacherIds?: string[];
};

export type MediaJoin = Omit<Schemas['MediaJoinView'], 'provider'> & { provider: Provider };

const inSession = (sessionId: string) => ({ params: { path: { sessionId } } });
const inRun = (sessionId: string, runId: string) => ({ params: { path: { sessionId, runId } } });
const withTeachers = (fields: SessionFields) => ({ ...fields, teacherIds: fields.teacherIds ?? null });

export const classroomApi = {
  create: (courseId: string, moduleId: string, fields: SessionFields) =>
    call(api.POST('/api/classroom/courses/{courseId}/sessions', {
      params: { path: { courseId } }, body: { moduleId, ...withTeachers(fields) },
    })) as Promise<LiveSession>,
  session: (id: string) => call(api.GET('/api/classroom/sessions/{sessionId}', inSession(id))) as Promise<LiveSession>,
  update: (id: string, fields: SessionFields) =>
    call(api.PUT('/api/classroom/sessions/{sessionId}', { ...inSession(id), body: withTeachers(fields) })) as Promise<LiveSession>,
  agenda: (from: Date, to: Date) =>
    call(api.GET('/api/classroom/agenda', { params: { query: { from: from.toISOString(), to: to.toISOString() } } })) as Promise<AgendaEntry[]>,
  runs: (id: string) => call(api.GET('/api/classroom/sessions/{sessionId}/runs', inSession(id))),
  attendance: (id: string, runId: string) => call(api.GET('/api/classroom/sessions/{sessionId}/runs/{runId}/attendance', inRun(id, runId))),
  attendanceCsvUrl: (id: string, runId: string) =>
    `/api/classroom/sessions/${encodeURIComponent(id)}/runs/${encodeURIComponent(runId)}/attendance.csv${query({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone })}`,
  polls: (id: string, runId: string) => call(api.GET('/api/classroom/sessions/{sessionId}/runs/{runId}/polls', inRun(id, runId))),
  media: (id: string) => call(api.GET('/api/classroom/sessions/{sessionId}/media', inSession(id))) as Promise<MediaJoin>,
};
