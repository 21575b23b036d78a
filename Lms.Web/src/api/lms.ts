// The server's shapes (camelCase JSON of Lms.Server's records) and one function per endpoint.
import { query, request } from './client';

export type Role = 'admin' | 'teacher' | 'student' | 'parent';
export type CourseRole = 'owner' | 'teacher' | 'admin' | 'student';
export type CourseKind = 'blended' | 'mooc';
export type CourseStatus = 'draft' | 'published';
/** 'page' and 'link' are the course's own; features add more (see components/itemKinds.tsx). */
export type ItemKind = string;

export interface Page<T> {
  items: T[];
  total: number;
  skip: number;
  take: number;
}

export interface Membership {
  institutionId: string;
  institutionName: string;
  institutionKind: string;
  role: Role;
}

export interface PersonRef {
  id: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
}

/** Two-step sign-in: offered to staff; an admin whose institution requires it must set it up first. */
export interface TwoFactorStatus {
  available: boolean;
  enabled: boolean;
  mustEnrol: boolean;
}

export interface Me {
  id: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
  memberships: Membership[];
  children: PersonRef[];
  /** Runs the platform (reads the mail outbox). */
  platformAdmin: boolean;
  twoFactor?: TwoFactorStatus;
}

export interface Institution {
  id: string;
  parentId: string | null;
  kind: string;
  name: string;
  code: string | null;
  myRoles: Role[];
}

export interface Person {
  id: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
  role: Role;
  className: string | null;
}

export interface ClassInfo {
  id: string;
  name: string;
  students: number;
}

export interface RosterProblem {
  line: number;
  field: string;
  code: string;
  message: string;
}

/** A person the import created: invited by e-mail, or (no e-mail) with a one-time code for the printed sheet. */
export interface Invitation {
  line: number;
  displayName: string;
  login: string;
  emailed: boolean;
  code: string | null;
}

export interface RosterOutcome {
  peopleCreated: number;
  peopleAlreadyThere: number;
  membershipsAdded: number;
  classesCreated: number;
  parentLinksAdded: number;
  invitations: Invitation[];
}

export interface CourseSummary {
  id: string;
  title: string;
  summary: string | null;
  kind: CourseKind;
  status: CourseStatus;
  institutionName: string;
  myRole: CourseRole | '';
  updatedAt: string;
  /** A learner's progress (their own list, or a parent's view of a child's). */
  itemsSeen: number;
  itemsTotal: number;
}

export interface Item {
  id: string;
  kind: ItemKind;
  title: string;
  body: string | null;
  url: string | null;
  position: number;
  seen: boolean;
  /** The feature's own record behind a feature item (a live session, a quiz, a video). */
  refId: string | null;
  /** For a learner, when an item not yet released opens (a scheduled MOOC run); its body and URL come then. */
  availableFrom?: string | null;
  /** After it, learners can no longer do the item's work (unless the staff extended them). */
  dueAt?: string | null;
}

export interface Module {
  id: string;
  title: string;
  position: number;
  items: Item[];
}

export interface Progress {
  seen: number;
  total: number;
  percent: number;
  lastSeenAt: string | null;
}

export interface Course {
  id: string;
  institutionId: string;
  institutionName: string;
  title: string;
  summary: string | null;
  kind: CourseKind;
  status: CourseStatus;
  myRole: CourseRole;
  updatedAt: string;
  modules: Module[];
  progress: Progress | null;
}

export interface CourseMember {
  id: string;
  displayName: string;
  email: string | null;
  nationalId: string | null;
  role: 'owner' | 'teacher' | 'student';
  itemsSeen: number;
}

export interface EnrolResult {
  added: number;
  alreadyEnrolled: number;
}

/** A course copied for another class or the next year (POST /courses/{id}/copy). */
export interface CourseCopy {
  id: string;
  title: string;
  status: CourseStatus;
  enrolled: number;
}

export interface CourseFields {
  title: string;
  summary: string | null;
  kind: CourseKind;
}

export interface ItemFields {
  title: string;
  body: string | null;
  url: string | null;
}

/** Whether the signed-in person may change the course (its teachers, and its institution's admins). */
export function canTeach(course: Course): boolean {
  return course.myRole === 'owner' || course.myRole === 'teacher' || course.myRole === 'admin';
}

const c = (courseId: string) => `/api/courses/${encodeURIComponent(courseId)}`;
const inst = (institutionId: string) => `/api/institutions/${encodeURIComponent(institutionId)}`;

export const api = {
  // Identity
  signIn: (login: string, password: string, rememberMe: boolean) =>
    request<Me>('/api/identity/sign-in', { body: { login, password, rememberMe }, allowUnauthenticated: true }),
  me: () => request<Me>('/api/identity/me', { allowUnauthenticated: true }),
  signOut: () => request<void>('/api/identity/sign-out', { method: 'POST', allowUnauthenticated: true }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('/api/identity/change-password', { body: { currentPassword, newPassword } }),

  // Institutions
  institution: (id: string) => request<Institution>(inst(id)),
  people: (id: string, p: { role?: string; q?: string; className?: string; skip?: number; take?: number }) =>
    request<Page<Person>>(`${inst(id)}/people${query(p)}`),
  classes: (id: string) => request<ClassInfo[]>(`${inst(id)}/classes`),
  importRoster: (id: string, file: File, language: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<RosterOutcome>(`${inst(id)}/roster${query({ language })}`, { method: 'POST', body: form });
  },
  institutionCourses: (id: string, skip = 0, take = 20) =>
    request<Page<CourseSummary>>(`${inst(id)}/courses${query({ skip, take })}`),

  // Courses
  myCourses: (skip = 0, take = 12) => request<Page<CourseSummary>>(`/api/courses${query({ skip, take })}`),
  childCourses: (learner: string, skip = 0, take = 50) =>
    request<Page<CourseSummary>>(`/api/courses${query({ learner, skip, take })}`),
  createCourse: (institutionId: string, fields: CourseFields) =>
    request<Course>('/api/courses', { body: { institutionId, ...fields } }),
  course: (id: string) => request<Course>(c(id)),
  updateCourse: (id: string, fields: CourseFields) => request<Course>(c(id), { method: 'PUT', body: fields }),
  publish: (id: string) => request<void>(`${c(id)}/publish`, { method: 'POST' }),
  unpublish: (id: string) => request<void>(`${c(id)}/unpublish`, { method: 'POST' }),
  copyCourse: (id: string, copy: { title: string; className?: string; publish: boolean }) =>
    request<CourseCopy>(`${c(id)}/copy`, { body: copy }),

  addModule: (id: string, title: string) => request<Module>(`${c(id)}/modules`, { body: { title } }),
  renameModule: (id: string, moduleId: string, title: string) =>
    request<void>(`${c(id)}/modules/${moduleId}`, { method: 'PUT', body: { title } }),
  deleteModule: (id: string, moduleId: string) => request<void>(`${c(id)}/modules/${moduleId}`, { method: 'DELETE' }),
  reorderModules: (id: string, ids: string[]) => request<void>(`${c(id)}/modules/order`, { method: 'PUT', body: { ids } }),

  addItem: (id: string, moduleId: string, kind: ItemKind, fields: ItemFields) =>
    request<Item>(`${c(id)}/modules/${moduleId}/items`, { body: { kind, ...fields } }),
  updateItem: (id: string, itemId: string, fields: ItemFields) =>
    request<void>(`${c(id)}/items/${itemId}`, { method: 'PUT', body: fields }),
  /** An item's own due date (null clears it): after it learners can no longer do its work, unless extended. */
  setItemDue: (id: string, itemId: string, dueAt: string | null) =>
    request<Item>(`${c(id)}/items/${itemId}/due`, { method: 'PUT', body: { dueAt } }),
  deleteItem: (id: string, itemId: string) => request<void>(`${c(id)}/items/${itemId}`, { method: 'DELETE' }),
  reorderItems: (id: string, moduleId: string, ids: string[]) =>
    request<void>(`${c(id)}/modules/${moduleId}/items/order`, { method: 'PUT', body: { ids } }),

  members: (id: string, skip = 0, take = 100) => request<Page<CourseMember>>(`${c(id)}/members${query({ skip, take })}`),
  enrol: (id: string, who: { userIds?: string[]; logins?: string[]; className?: string }) =>
    request<EnrolResult>(`${c(id)}/enrolments`, { body: who }),
  unenrol: (id: string, userId: string) => request<void>(`${c(id)}/enrolments/${userId}`, { method: 'DELETE' }),
  addTeacher: (id: string, login: string) => request<void>(`${c(id)}/teachers`, { body: { login } }),
  removeTeacher: (id: string, userId: string) => request<void>(`${c(id)}/teachers/${userId}`, { method: 'DELETE' }),

  markSeen: (id: string, itemId: string) => request<Progress>(`${c(id)}/items/${itemId}/seen`, { method: 'POST' }),
  progress: (id: string) => request<Progress>(`${c(id)}/progress`),
};
