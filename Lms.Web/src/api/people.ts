// People and classes as an institution's admins keep them (Lms.Server/Institutions/PeopleEndpoints.cs, ClassEndpoints.cs).
// Shapes and paths come from the server's OpenAPI document (typed.ts); only the roles are narrowed here.
import type { Page, Role } from './lms';
import { api, call, type Schemas } from './typed';

export type NameOrder = 'given' | 'surname';

export type PersonItem = Omit<Schemas['PersonListItem'], 'role' | 'roles'> & { role: Role; roles: Role[] };
export type ClassPlace = Schemas['ClassPlace'];
export type PersonDetail = Omit<Schemas['PersonDetail'], 'roles'> & { roles: Role[] };
export type ClassItem = Schemas['ClassInfo'];
export type AuditEntry = Schemas['AuditEntry'];
/** A field left out stays as it is; an empty one is cleared. */
export type PersonChange = Schemas['ChangePersonRequest'];
export type MoveResult = Schemas['MoveView'];

const inInstitution = (institutionId: string) => ({ params: { path: { institutionId } } });
const person = (institutionId: string, userId: string) => ({ params: { path: { institutionId, userId } } });
const klass = (institutionId: string, classId: string) => ({ params: { path: { institutionId, classId } } });

export const peopleApi = {
  list: (id: string, p: { q?: string; role?: string; classId?: string; sort?: NameOrder; skip?: number; take?: number }) =>
    call(api.GET('/api/institutions/{institutionId}/people', { params: { path: { institutionId: id }, query: p } })) as Promise<Page<PersonItem>>,
  get: (id: string, userId: string) => call(api.GET('/api/institutions/{institutionId}/people/{userId}', person(id, userId))) as Promise<PersonDetail>,
  change: (id: string, userId: string, change: PersonChange) =>
    call(api.PATCH('/api/institutions/{institutionId}/people/{userId}', { ...person(id, userId), body: change })) as Promise<PersonDetail>,
  move: (id: string, userId: string, classId: string) =>
    call(api.PUT('/api/institutions/{institutionId}/people/{userId}/class', { ...person(id, userId), body: { classId } })),
  setDisabled: (id: string, userId: string, disabled: boolean) =>
    call(api.PUT('/api/institutions/{institutionId}/people/{userId}/disabled', { ...person(id, userId), body: { disabled } })),
  remove: (id: string, userId: string) => call(api.DELETE('/api/institutions/{institutionId}/people/{userId}', person(id, userId))),
  merge: (id: string, keptId: string, retiredId: string) =>
    call(api.POST('/api/institutions/{institutionId}/people/{userId}/merge', { ...person(id, keptId), body: { retiredId } })),
  audit: (id: string, subjectId: string, kind: 'people' | 'classes' = 'people') =>
    kind === 'people'
      ? call(api.GET('/api/institutions/{institutionId}/people/{userId}/audit', { params: { path: { institutionId: id, userId: subjectId }, query: { take: 50 } } }))
      : call(api.GET('/api/institutions/{institutionId}/classes/{classId}/audit', { params: { path: { institutionId: id, classId: subjectId }, query: { take: 50 } } })),

  classes: (id: string, archived = false) =>
    call(api.GET('/api/institutions/{institutionId}/classes', { params: { path: { institutionId: id }, query: { archived: archived || undefined } } })),
  createClass: (id: string, name: string) => call(api.POST('/api/institutions/{institutionId}/classes', { ...inInstitution(id), body: { name } })),
  renameClass: (id: string, classId: string, name: string) =>
    call(api.PATCH('/api/institutions/{institutionId}/classes/{classId}', { ...klass(id, classId), body: { name } })),
  setArchived: (id: string, classId: string, archived: boolean) =>
    call(api.PUT('/api/institutions/{institutionId}/classes/{classId}/archived', { ...klass(id, classId), body: { archived } })),
};
