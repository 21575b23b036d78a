// SCORM lessons: a course item's package, launching one of its SCOs, and saving what the runtime committed.
// Shapes and paths come from the server's OpenAPI document (typed.ts); the upload (a zip as the body) stays on fetch.
import { failure, networkFailure, problemOf } from './client';
import { api, call, type Schemas } from './typed';

export type ScormItem = Schemas['ScormItemView'];
export type ScormLaunch = Schemas['ScormLaunch'];
export type ScormCommit = Schemas['ScormCommitRequest'];
export type ScormCommitResult = Schemas['ScormCommitResult'];

const onItem = (courseId: string, itemId: string) => ({ params: { path: { courseId, itemId } } });

export const scormApi = {
  item: (courseId: string, itemId: string) => call(api.GET('/api/courses/{courseId}/items/{itemId}/scorm', onItem(courseId, itemId))),
  launch: (courseId: string, itemId: string, sco?: string) =>
    call(api.GET('/api/courses/{courseId}/items/{itemId}/scorm/launch', { params: { path: { courseId, itemId }, query: { sco } } })),
  commit: (courseId: string, itemId: string, scoId: string, body: ScormCommit) =>
    call(api.PUT('/api/courses/{courseId}/items/{itemId}/scorm/runtime/{scoId}', { params: { path: { courseId, itemId, scoId } }, body })),

  /** Sends the package as it is (no form encoding): the server checks and unpacks it before the item exists. */
  async upload(courseId: string, moduleId: string, file: File, title: string): Promise<ScormItem> {
    const url = `/api/courses/${courseId}/modules/${moduleId}/scorm${title ? `?title=${encodeURIComponent(title)}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST', body: file, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/zip', Accept: 'application/json, application/problem+json' },
      });
    } catch (error) {
      throw networkFailure(error);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw failure(response.status, problemOf(response.status, response.statusText, body));
    return body as ScormItem;
  },
};
