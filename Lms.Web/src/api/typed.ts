// The REST API with types generated from the server's OpenAPI document (schema.gen.ts, written at build time by
// scripts/gen-api.mjs): a renamed path, parameter or field fails `tsc`, not a page. Calls go through openapi-fetch
// and fail the way `request` in client.ts does (an ApiError with the server's problem; a 401 sends the person to
// sign in).
import createClient from 'openapi-fetch';
import { failure, networkFailure, problemOf, query } from './client';
import { takeEarlyAnswer } from './earlyAnswers';
import type { components, paths } from './schema.gen';

/** Every record the API sends or takes, by its server name (e.g. `Schemas['PersonListItem']`). */
export type Schemas = components['schemas'];

export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  credentials: 'same-origin',
  headers: { Accept: 'application/json, application/problem+json' },
  // As `query` in client.ts writes them: empty, null and undefined parameters are left out.
  querySerializer: (parameters) => query(parameters as Parameters<typeof query>[0]).slice(1),
  // A page's first answers may have been asked for before the app started (src/early.ts).
  fetch: (request) => takeEarlyAnswer(request) ?? fetch(request),
});

interface Answer<T> { data?: T; error?: unknown; response: Response }

interface CallOptions {
  /** Do not call the global 401 handler (sign-in, the first "who am I" check, public pages). */
  allowUnauthenticated?: boolean;
}

/** What a call answered, or its failure thrown as an ApiError. */
export async function call<T>(pending: Promise<Answer<T>>, options: CallOptions = {}): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch (error) {
    throw networkFailure(error);
  }
  const { response } = answer;
  if (response.ok) return answer.data as T;
  throw failure(response.status, problemOf(response.status, response.statusText, answer.error), options.allowUnauthenticated);
}
