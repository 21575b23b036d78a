import { query, request } from '../../api/client';
import type { Page } from '../../api/lms';

export type ErasureStatus = 'open' | 'done' | 'declined';

export interface MyErasurePart {
  id: string;
  requestId: string;
  institutionName: string;
  status: ErasureStatus;
  reason: string | null;
  requestedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

export interface ErasureRequestResult {
  requestId: string | null;
  accountErased: boolean;
  parts: MyErasurePart[];
}

/** What carrying out a part erases in the institution, and what the institution keeps. */
export interface ErasureScope {
  chatMessages: number;
  submissionFiles: number;
  enrolments: number;
  quizAttempts: number;
  credentials: number;
  auditEntries: number;
}

export interface ErasurePartView {
  id: string;
  userId: string;
  displayName: string;
  email: string | null;
  reason: string | null;
  status: ErasureStatus;
  requestedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
  scope: ErasureScope;
}

export interface ErasureCarriedOut {
  accountErased: boolean;
  chatMessages: number;
  submissionFiles: number;
}

export interface AuditLogEntry {
  id: string;
  at: string;
  actorId: string;
  actorName: string;
  subjectKind: string;
  subjectId: string;
  subjectName: string | null;
  action: string;
  detail: string | null;
  address: string | null;
  userAgent: string | null;
}

export interface AuditFilter {
  action?: string;
  personId?: string;
  from?: string;
  to?: string;
}

/** The action codes the log filter offers: reads and exports of personal data, erasures, then admins' changes. */
export const auditActions = [
  'people-read', 'person-read', 'people-export', 'class-lists-export', 'gradebook-export', 'attendance-read', 'attendance-export',
  'data-copy', 'erasure-requested', 'erasure-carried-out', 'erasure-declined',
  'created', 'renamed', 'identity-changed', 'moved', 'disabled', 'enabled', 'removed', 'merged-into', 'merged-from', 'archived', 'restored',
] as const;

const institution = (id: string) => `/api/institutions/${encodeURIComponent(id)}`;

export const privacyApi = {
  /** The copy is a file: the browser downloads it from this address (the app's language decides the CSV wording). */
  myDataUrl: (language: string) => `/api/privacy/my-data.zip${query({ language })}`,
  myRequests: () => request<MyErasurePart[]>('/api/privacy/erasure-requests'),
  requestErasure: (reason: string, language: string) =>
    request<ErasureRequestResult>('/api/privacy/erasure-requests', { body: { reason: reason || null, language } }),
  requests: (institutionId: string, status: ErasureStatus | '', skip: number, take: number) =>
    request<Page<ErasurePartView>>(`${institution(institutionId)}/erasure-requests${query({ status, skip, take })}`),
  carryOut: (institutionId: string, partId: string) =>
    request<ErasureCarriedOut>(`${institution(institutionId)}/erasure-requests/${encodeURIComponent(partId)}/carry-out`, { method: 'POST' }),
  decline: (institutionId: string, partId: string, reason: string) =>
    request<void>(`${institution(institutionId)}/erasure-requests/${encodeURIComponent(partId)}/decline`, { body: { reason } }),
  audit: (institutionId: string, filter: AuditFilter, skip: number, take: number) =>
    request<Page<AuditLogEntry>>(`${institution(institutionId)}/audit${query({ ...filter, skip, take })}`),
};
