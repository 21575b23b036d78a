// The server's shapes and one function per endpoint. Shapes and paths come from the server's OpenAPI document
// (typed.ts); only the closed sets of values (roles, kinds, statuses) are narrowed here.
import { query, request } from './client';
import { api as rest, call, type Schemas } from './typed';

export type Role = 'admin' | 'teacher' | 'student' | 'parent';
export type CourseRole = 'owner' | 'teacher' | 'admin' | 'student';
export type CourseKind = 'blended' | 'mooc';
export type CourseStatus = 'draft' | 'published';
/** 'page' and 'link' are the course's own; features add more (see components/itemKinds.tsx). */
export type ItemKind = string;

/** A page of a list, as every paged endpoint answers (`PageOf…` in the document). */
export interface Page<T> {
  items: T[];
  total: number;
  skip: number;
  take: number;
}

export type Membership = Omit<Schemas['MembershipView'], 'role'> & { role: Role };
export type PersonRef = Schemas['PersonRef'];
/** Two-step sign-in: offered to staff; an admin whose institution requires it must set it up first. */
export type TwoFactorStatus = Schemas['TwoFactorStatus'];
export type Me = Omit<Schemas['MeView'], 'memberships'> & { memberships: Membership[] };
export type Institution = Omit<Schemas['InstitutionView'], 'myRoles'> & { myRoles: Role[] };
export type Person = Omit<Schemas['PersonListItem'], 'role' | 'roles'> & { role: Role; roles: Role[] };
export type ClassInfo = Schemas['ClassInfo'];
export type RosterProblem = Schemas['RosterProblem'];
/** A person the import created: invited by e-mail, or (no e-mail) with a one-time code for the printed sheet. */
export type Invitation = Schemas['InvitationView'];
export type RosterOutcome = Schemas['RosterOutcomeView'];
export type CourseSummary = Omit<Schemas['MyCourseRow'], 'kind' | 'status' | 'myRole'> & {
  kind: CourseKind; status: CourseStatus; myRole: CourseRole | '';
};
export type Item = Schemas['ItemView'];
export type Module = Schemas['ModuleView'];
export type Progress = Schemas['ProgressView'];
export type Course = Omit<Schemas['CourseView'], 'kind' | 'status' | 'myRole'> & { kind: CourseKind; status: CourseStatus; myRole: CourseRole };
export type CourseMember = Omit<Schemas['CourseMemberRow'], 'role'> & { role: 'owner' | 'teacher' | 'student' };
export type EnrolResult = Schemas['EnrolResult'];
/** A course copied for another class or the next year (POST /courses/{id}/copy). */
export type CourseCopy = Omit<Schemas['CourseCopyView'], 'status'> & { status: CourseStatus };
export type CourseFields = Omit<Schemas['UpdateCourseRequest'], 'kind'> & { kind: CourseKind };
export type ItemFields = Schemas['UpdateItemRequest'];

/** Whether the signed-in person may change the course (its teachers, and its institution's admins). */
export function canTeach(course: Course): boolean {
  return course.myRole === 'owner' || course.myRole === 'teacher' || course.myRole === 'admin';
}

const inCourse = (courseId: string) => ({ params: { path: { courseId } } });
const inModule = (courseId: string, moduleId: string) => ({ params: { path: { courseId, moduleId } } });
const onItem = (courseId: string, itemId: string) => ({ params: { path: { courseId, itemId } } });
const inInstitution = (institutionId: string) => ({ params: { path: { institutionId } } });
const open = { allowUnauthenticated: true };

export const api = {
  // Identity
  signIn: (login: string, password: string, rememberMe: boolean) =>
    call(rest.POST('/api/identity/sign-in', { body: { login, password, rememberMe } }), open) as Promise<Me>,
  me: () => call(rest.GET('/api/identity/me'), open) as Promise<Me>,
  signOut: () => call(rest.POST('/api/identity/sign-out'), open),
  changePassword: (currentPassword: string, newPassword: string) =>
    call(rest.POST('/api/identity/change-password', { body: { currentPassword, newPassword } })),

  // Institutions
  institution: (id: string) => call(rest.GET('/api/institutions/{institutionId}', inInstitution(id))) as Promise<Institution>,
  people: (id: string, p: { role?: string; q?: string; className?: string; skip?: number; take?: number }) =>
    call(rest.GET('/api/institutions/{institutionId}/people', { params: { path: { institutionId: id }, query: p } })) as Promise<Page<Person>>,
  classes: (id: string) => call(rest.GET('/api/institutions/{institutionId}/classes', inInstitution(id))),
  // A file goes up as multipart form data, which the typed client does not describe: plain `request`.
  importRoster: (id: string, file: File, language: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<RosterOutcome>(`/api/institutions/${encodeURIComponent(id)}/roster${query({ language })}`, { method: 'POST', body: form });
  },
  institutionCourses: (id: string, skip = 0, take = 20) =>
    call(rest.GET('/api/institutions/{institutionId}/courses', { params: { path: { institutionId: id }, query: { skip, take } } })) as Promise<Page<CourseSummary>>,

  // Courses
  myCourses: (skip = 0, take = 12) => call(rest.GET('/api/courses', { params: { query: { skip, take } } })) as Promise<Page<CourseSummary>>,
  childCourses: (learner: string, skip = 0, take = 50) =>
    call(rest.GET('/api/courses', { params: { query: { learner, skip, take } } })) as Promise<Page<CourseSummary>>,
  createCourse: (institutionId: string, fields: CourseFields) =>
    call(rest.POST('/api/courses', { body: { institutionId, ...fields } })) as Promise<Course>,
  course: (id: string) => call(rest.GET('/api/courses/{courseId}', inCourse(id))) as Promise<Course>,
  updateCourse: (id: string, fields: CourseFields) => call(rest.PUT('/api/courses/{courseId}', { ...inCourse(id), body: fields })) as Promise<Course>,
  publish: (id: string) => call(rest.POST('/api/courses/{courseId}/publish', inCourse(id))),
  unpublish: (id: string) => call(rest.POST('/api/courses/{courseId}/unpublish', inCourse(id))),
  copyCourse: (id: string, copy: { title: string; className?: string; publish: boolean }) =>
    call(rest.POST('/api/courses/{courseId}/copy', { ...inCourse(id), body: { className: null, ...copy } })) as Promise<CourseCopy>,

  addModule: (id: string, title: string) => call(rest.POST('/api/courses/{courseId}/modules', { ...inCourse(id), body: { title } })),
  renameModule: (id: string, moduleId: string, title: string) =>
    call(rest.PUT('/api/courses/{courseId}/modules/{moduleId}', { ...inModule(id, moduleId), body: { title } })),
  deleteModule: (id: string, moduleId: string) => call(rest.DELETE('/api/courses/{courseId}/modules/{moduleId}', inModule(id, moduleId))),
  reorderModules: (id: string, ids: string[]) => call(rest.PUT('/api/courses/{courseId}/modules/order', { ...inCourse(id), body: { ids } })),

  addItem: (id: string, moduleId: string, kind: ItemKind, fields: ItemFields) =>
    call(rest.POST('/api/courses/{courseId}/modules/{moduleId}/items', { ...inModule(id, moduleId), body: { kind, ...fields } })),
  updateItem: (id: string, itemId: string, fields: ItemFields) =>
    call(rest.PUT('/api/courses/{courseId}/items/{itemId}', { ...onItem(id, itemId), body: fields })),
  /** An item's own due date (null clears it): after it learners can no longer do its work, unless extended. */
  setItemDue: (id: string, itemId: string, dueAt: string | null) =>
    call(rest.PUT('/api/courses/{courseId}/items/{itemId}/due', { ...onItem(id, itemId), body: { dueAt } })) as Promise<Item>,
  deleteItem: (id: string, itemId: string) => call(rest.DELETE('/api/courses/{courseId}/items/{itemId}', onItem(id, itemId))),
  reorderItems: (id: string, moduleId: string, ids: string[]) =>
    call(rest.PUT('/api/courses/{courseId}/modules/{moduleId}/items/order', { ...inModule(id, moduleId), body: { ids } })),

  members: (id: string, skip = 0, take = 100) =>
    call(rest.GET('/api/courses/{courseId}/members', { params: { path: { courseId: id }, query: { skip, take } } })) as Promise<Page<CourseMember>>,
  enrol: (id: string, who: { userIds?: string[]; logins?: string[]; className?: string }) =>
    call(rest.POST('/api/courses/{courseId}/enrolments', { ...inCourse(id), body: { userIds: null, logins: null, className: null, ...who } })),
  unenrol: (id: string, userId: string) =>
    call(rest.DELETE('/api/courses/{courseId}/enrolments/{userId}', { params: { path: { courseId: id, userId } } })),
  addTeacher: (id: string, login: string) => call(rest.POST('/api/courses/{courseId}/teachers', { ...inCourse(id), body: { login } })),
  removeTeacher: (id: string, userId: string) =>
    call(rest.DELETE('/api/courses/{courseId}/teachers/{userId}', { params: { path: { courseId: id, userId } } })),

  markSeen: (id: string, itemId: string) => call(rest.POST('/api/courses/{courseId}/items/{itemId}/seen', onItem(id, itemId))),
  progress: (id: string) => call(rest.GET('/api/courses/{courseId}/progress', inCourse(id))),
};
