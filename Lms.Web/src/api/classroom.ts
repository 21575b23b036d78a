// The live classroom: REST for sessions and records, and the /hubs/classroom connection.
import { query, request } from './client';

export interface TeacherRef { userId: string; displayName: string }

export interface LiveSession {
  id: string;
  courseId: string;
  courseTitle: string;
  title: string;
  description: string | null;
  startsAt: string;
  endsAt: string;
  recurrence: 'none' | 'weekly';
  repeatUntil: string | null;
  teachers: TeacherRef[];
  myRole: 'teacher' | 'student';
  status: 'scheduled' | 'live' | 'ended';
  runId: string | null;
  inRoom: number;
  next: { startsAt: string; endsAt: string } | null;
  joinPath: string;
  mediaProvider: 'p2p' | 'livekit';
}

export interface AgendaEntry {
  sessionId: string;
  courseId: string;
  courseTitle: string;
  title: string;
  startsAt: string;
  endsAt: string;
  recurrence: string;
  myRole: 'teacher' | 'student';
  live: boolean;
  joinPath: string;
}

export interface Run { id: string; startedAt: string; endedAt: string | null; attendees: number; polls: number; chatMessages: number; quizQuestions: number }

export interface AttendancePerson {
  userId: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
  role: string;
  present: boolean;
  firstJoinedAt: string | null;
  lastLeftAt: string | null;
  minutes: number;
  joins: number;
}

export interface AttendanceReport { runId: string; startedAt: string; endedAt: string | null; present: number; absent: number; people: AttendancePerson[] }

export interface PollRecord {
  id: string; question: string; options: string[]; multiple: boolean; anonymous: boolean; openedAt: string; closedAt: string;
  counts: number[]; answers: { userId: string | null; displayName: string | null; choices: number[]; answeredAt: string }[];
}

export interface SessionFields {
  title: string;
  description: string | null;
  startsAt: string;
  endsAt: string;
  recurrence: 'none' | 'weekly';
  repeatUntil: string | null;
  teacherIds?: string[];
}

export interface MediaJoin { provider: 'p2p' | 'livekit'; url: string | null; token: string | null; room: string | null }

const s = (id: string) => `/api/classroom/sessions/${encodeURIComponent(id)}`;

export const classroomApi = {
  create: (courseId: string, moduleId: string, fields: SessionFields) =>
    request<LiveSession>(`/api/classroom/courses/${encodeURIComponent(courseId)}/sessions`, { body: { moduleId, ...fields } }),
  session: (id: string) => request<LiveSession>(s(id)),
  update: (id: string, fields: SessionFields) => request<LiveSession>(s(id), { method: 'PUT', body: fields }),
  agenda: (from: Date, to: Date) =>
    request<AgendaEntry[]>(`/api/classroom/agenda${query({ from: from.toISOString(), to: to.toISOString() })}`),
  runs: (id: string) => request<Run[]>(`${s(id)}/runs`),
  attendance: (id: string, runId: string) => request<AttendanceReport>(`${s(id)}/runs/${runId}/attendance`),
  attendanceCsvUrl: (id: string, runId: string) =>
    `${s(id)}/runs/${runId}/attendance.csv${query({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone })}`,
  polls: (id: string, runId: string) => request<PollRecord[]>(`${s(id)}/runs/${runId}/polls`),
  media: (id: string) => request<MediaJoin>(`${s(id)}/media`),
};
