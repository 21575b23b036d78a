// A small typed client for the Lms HTTP API: same-origin cookies, JSON in and out, and every
// failure as an ApiError carrying the server's RFC 7807 problem.

export const ProblemTypes = {
  prefix: 'urn:lms:problem:',
  validation: 'urn:lms:problem:validation',
  unauthenticated: 'urn:lms:problem:unauthenticated',
  invalidCredentials: 'urn:lms:problem:invalid-credentials',
  rosterInvalid: 'urn:lms:problem:roster-invalid',
  network: 'urn:lms:problem:network',
} as const;

export interface Problem {
  type: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get type(): string {
    return this.problem.type;
  }

  /** The messages the server gave for one field; field names are compared case-insensitively. */
  fieldErrors(field: string): string[] {
    const errors = this.problem.errors;
    if (!errors) return [];
    const wanted = normaliseField(field);
    return Object.entries(errors)
      .filter(([key]) => normaliseField(key) === wanted)
      .flatMap(([, messages]) => messages);
  }

  /** The fields named in a validation problem, normalised (lower case, letters and digits only). */
  fields(): string[] {
    return Object.keys(this.problem.errors ?? {}).map(normaliseField);
  }
}

export function normaliseField(field: string): string {
  // "ClassName", "className", "class_name" and "$.className" all become "classname".
  const last = field.split('.').pop() ?? field;
  return last.toLowerCase().replace(/[^a-z0-9]/g, '');
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called on any 401 (except a failed sign-in itself): the app sends the person to the sign-in page. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null) {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not call the global 401 handler (sign-in, and the first "who am I" check). */
  allowUnauthenticated?: boolean;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  // A change makes the answers asked for early (src/early.ts) out of date.
  if (method !== 'GET') window.lmsEarly?.clear();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    throw networkFailure(error);
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  throw failure(response.status, await readProblem(response), options.allowUnauthenticated);
}

/** The ApiError of a failed answer (a 401 first sends the person to sign in, unless the call allows it). */
export function failure(status: number, problem: Problem, allowUnauthenticated = false): ApiError {
  if (status === 401 && !allowUnauthenticated && onUnauthorized) onUnauthorized();
  return new ApiError(status, problem);
}

/** A fetch that failed before any answer (offline, DNS, reset) as the ApiError the app words as "network". */
export function networkFailure(error: unknown): unknown {
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  return new ApiError(0, { type: ProblemTypes.network, title: 'Network error', detail: String(error) });
}

/** A problem from an answer's status and its parsed body (whatever the server sent, or nothing). */
export function problemOf(status: number, statusText: string, body: unknown): Problem {
  const fallback: Problem = { type: fallbackType(status), status, title: statusText };
  if (!body || typeof body !== 'object') return fallback;
  const parsed = body as Partial<Problem>;
  return { ...fallback, ...parsed, type: parsed.type ?? fallback.type };
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const text = await response.text();
    return problemOf(response.status, response.statusText, text ? JSON.parse(text) : undefined);
  } catch {
    return problemOf(response.status, response.statusText, undefined);
  }
}

function fallbackType(status: number): string {
  switch (status) {
    case 400: return ProblemTypes.prefix + 'bad-request';
    case 401: return ProblemTypes.unauthenticated;
    case 403: return ProblemTypes.prefix + 'forbidden';
    case 404: return ProblemTypes.prefix + 'not-found';
    case 409: return ProblemTypes.prefix + 'conflict';
    case 413: return ProblemTypes.prefix + 'too-large';
    case 415: return ProblemTypes.prefix + 'unsupported-media-type';
    case 429: return ProblemTypes.prefix + 'too-many-requests';
    default: return status >= 500 ? ProblemTypes.prefix + 'internal' : ProblemTypes.prefix + 'http-' + status;
  }
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
