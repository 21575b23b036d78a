// Background roster imports (Lms.Server/Institutions/RosterEndpoints.cs): check and queue a file, follow the job
// on /hubs/content, come back to the latest import, print sign-in slips (PDF) and reset a person's sign-in.
import { ApiError, ProblemTypes, query, request, type Problem } from '../../api/client';
import { contentHub, type JobEvent } from '../../api/content';
import type { Page } from '../../api/lms';

export interface RosterProblem {
  line: number;
  lines: number[];
  field: string;
  code: string;
  message: string;
  params: Record<string, string>;
}

export interface RosterNotice {
  code: string;
  params: Record<string, string>;
}

export interface RosterImportSummary {
  peopleCreated: number;
  peopleAlreadyThere: number;
  membershipsAdded: number;
  classesCreated: number;
  parentLinksAdded: number;
  emailed: number;
  slips: number;
}

export interface RosterImportView {
  id: string;
  jobId: string;
  fileName: string;
  rows: number;
  state: JobEvent['state'];
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  outcome: RosterImportSummary | null;
  problems: RosterProblem[];
  notices: RosterNotice[];
  slipsWaiting: number;
  mode: RosterMode;
  disableAbsent: boolean;
  /** An update's preview: how many changes of each kind (null until its job has computed them). */
  previewCounts: Record<RosterChangeKind, number> | null;
  previewHash: string | null;
  confirmedAt: string | null;
}

export type RosterMode = 'add' | 'update';

export const rosterChangeKinds = ['new', 'renamed', 'email', 'national-id', 'moved', 'role-added', 'disabled'] as const;
export type RosterChangeKind = (typeof rosterChangeKinds)[number];

/** One change an update makes to one person (Lms.Grains/Institutions/RosterUpdatePlan.cs). */
export interface RosterChange {
  kind: RosterChangeKind;
  line: number;
  userId: string | null;
  name: string;
  role: string;
  from: string | null;
  to: string | null;
}

const roster = (institutionId: string) => `/api/institutions/${encodeURIComponent(institutionId)}/roster`;

export const isFinal = (state: string) => state === 'succeeded' || state === 'failed' || state === 'cancelled';

export const rosterImports = {
  queue: (institutionId: string, file: File, language: string, mode: RosterMode = 'add', disableAbsent = false) => {
    const form = new FormData();
    form.append('file', file, file.name);
    const options = mode === 'update' ? { language, mode, disableAbsent: disableAbsent ? 'true' : undefined } : { language };
    return request<RosterImportView>(`${roster(institutionId)}/imports${query(options)}`, { method: 'POST', body: form });
  },
  changes: (institutionId: string, importId: string, filter: { kind?: RosterChangeKind; q?: string; skip: number; take: number }) =>
    request<Page<RosterChange>>(`${roster(institutionId)}/imports/${encodeURIComponent(importId)}/changes${query(filter)}`),
  confirm: (institutionId: string, importId: string, hash: string) =>
    request<RosterImportView>(`${roster(institutionId)}/imports/${encodeURIComponent(importId)}/confirm`, { method: 'POST', body: { hash } }),
  latest: (institutionId: string) => request<RosterImportView | undefined>(`${roster(institutionId)}/imports/latest`),
  get: (institutionId: string, importId: string) =>
    request<RosterImportView>(`${roster(institutionId)}/imports/${encodeURIComponent(importId)}`),
  slips: (institutionId: string, importId: string) =>
    pdf(`${roster(institutionId)}/imports/${encodeURIComponent(importId)}/slips`),
  resetSignIn: (institutionId: string, userId: string) =>
    pdf(`${roster(institutionId)}/people/${encodeURIComponent(userId)}/sign-in-slip`),
};

/** A POST answered with a PDF (it issues fresh codes, so it is not a GET that a browser may repeat or prefetch). */
async function pdf(path: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/pdf, application/problem+json' } });
  } catch (error) {
    throw new ApiError(0, { type: ProblemTypes.network, title: 'Network error', detail: String(error) });
  }
  if (response.ok) return response.blob();
  const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
  throw new ApiError(response.status, { type: ProblemTypes.prefix + 'http-' + response.status, status: response.status, title: '', ...problem });
}

/** Saves a blob under a file name, as a download. */
export function download(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Follows a job on /hubs/content: its state now, then every change; watches again after a reconnect. */
export function followJob(jobId: string, onEvent: (event: JobEvent) => void): () => void {
  let stopped = false;
  let cleanup: (() => void) | null = null;
  contentHub().then((hub) => {
    if (stopped) return;
    const onJob = (event: JobEvent) => {
      if (event.jobId === jobId && !stopped) onEvent(event);
    };
    const watch = () => hub.invoke<JobEvent>('WatchJob', jobId).then((now) => { if (!stopped) onEvent(now); }, () => undefined);
    hub.on('job', onJob);
    hub.onreconnected(() => void watch());
    void watch();
    cleanup = () => {
      hub.off('job', onJob);
      hub.invoke('UnwatchJob', jobId).catch(() => undefined);
    };
  }, () => undefined);
  return () => {
    stopped = true;
    cleanup?.();
  };
}
