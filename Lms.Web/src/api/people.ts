// People and classes as an institution's admins keep them (Lms.Server/Institutions/PeopleEndpoints.cs, ClassEndpoints.cs).
import { query, request } from './client';
import type { Page, Role } from './lms';

export type NameOrder = 'given' | 'surname';

export interface PersonItem {
  id: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
  phone: string | null;
  role: Role;
  roles: Role[];
  classId: string | null;
  className: string | null;
  disabled: boolean;
}

export interface ClassPlace {
  id: string;
  name: string;
  archived: boolean;
}

export interface PersonDetail {
  id: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
  phone: string | null;
  roles: Role[];
  classes: ClassPlace[];
  disabled: boolean;
  claimed: boolean;
  madeHere: boolean;
}

export interface ClassItem {
  id: string;
  name: string;
  students: number;
  courses: number;
  archivedAt: string | null;
}

export interface AuditEntry {
  id: string;
  actorName: string;
  action: string;
  detail: string | null;
  at: string;
}

export interface PersonChange {
  displayName?: string;
  email?: string;
  phone?: string;
  nationalId?: string;
}

export interface MoveResult {
  from: string[];
  to: string;
  coursesLeft: number;
  coursesJoined: number;
}

const inst = (id: string) => `/api/institutions/${encodeURIComponent(id)}`;
const person = (id: string, userId: string) => `${inst(id)}/people/${encodeURIComponent(userId)}`;
const klass = (id: string, classId: string) => `${inst(id)}/classes/${encodeURIComponent(classId)}`;

export const peopleApi = {
  list: (id: string, p: { q?: string; role?: string; classId?: string; sort?: NameOrder; skip?: number; take?: number }) =>
    request<Page<PersonItem>>(`${inst(id)}/people${query(p)}`),
  get: (id: string, userId: string) => request<PersonDetail>(person(id, userId)),
  change: (id: string, userId: string, change: PersonChange) =>
    request<PersonDetail>(person(id, userId), { method: 'PATCH', body: change }),
  move: (id: string, userId: string, classId: string) =>
    request<MoveResult>(`${person(id, userId)}/class`, { method: 'PUT', body: { classId } }),
  setDisabled: (id: string, userId: string, disabled: boolean) =>
    request<void>(`${person(id, userId)}/disabled`, { method: 'PUT', body: { disabled } }),
  remove: (id: string, userId: string) => request<void>(person(id, userId), { method: 'DELETE' }),
  merge: (id: string, keptId: string, retiredId: string) =>
    request<{ rowsMoved: number }>(`${person(id, keptId)}/merge`, { method: 'POST', body: { retiredId } }),
  audit: (id: string, subjectId: string, kind: 'people' | 'classes' = 'people') =>
    request<Page<AuditEntry>>(`${inst(id)}/${kind}/${encodeURIComponent(subjectId)}/audit${query({ take: 50 })}`),

  classes: (id: string, archived = false) => request<ClassItem[]>(`${inst(id)}/classes${query({ archived: archived ? 'true' : undefined })}`),
  createClass: (id: string, name: string) => request<ClassItem>(`${inst(id)}/classes`, { method: 'POST', body: { name } }),
  renameClass: (id: string, classId: string, name: string) =>
    request<ClassItem>(klass(id, classId), { method: 'PATCH', body: { name } }),
  setArchived: (id: string, classId: string, archived: boolean) =>
    request<void>(`${klass(id, classId)}/archived`, { method: 'PUT', body: { archived } }),
};
