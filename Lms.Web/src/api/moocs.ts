// MOOCs and credentials: the catalogue, runs, standing, grading, assignments, forum, certificates and recognition.
import { query, request } from './client';
import type { Item, Me, Page } from './lms';

export interface CatalogueCard {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  institutionId: string;
  institutionName: string;
  subject: string;
  language: string;
  level: string;
  effortHoursPerWeek: number | null;
  durationWeeks: number | null;
  credits: number | null;
  ects: number | null;
  priceVnd: number;
  imageUrl: string | null;
  nextRunStartsAt: string | null;
  nextRunPace: string | null;
}

export interface Facet { value: string; label: string | null; count: number }
export interface Facets { subjects: Facet[]; institutions: Facet[]; languages: Facet[]; levels: Facet[] }

export interface Run {
  id: string;
  moocId: string;
  courseId: string;
  label: string;
  pace: 'self' | 'instructor';
  startsAt: string | null;
  endsAt: string | null;
  cap: number | null;
  enrolled: number;
  seatsLeft: number | null;
  open: boolean;
  published: boolean;
}

export interface CatalogueDetail {
  course: CatalogueCard;
  syllabus: string | null;
  instructors: string[];
  runs: Run[];
  myRunIds: string[];
  canManage: boolean;
}

export interface RunStats { runId: string; enrolled: number; cap: number | null; passed: number; open: boolean }
export interface Enrolment { runId: string; courseId: string; outcome: string; stats: RunStats }

export interface CatalogueFilters {
  q?: string;
  subject?: string;
  institution?: string;
  language?: string;
  level?: string;
  credit?: boolean;
  skip?: number;
  take?: number;
}

export interface StandingItem {
  itemId: string;
  moduleId: string;
  kind: string;
  title: string;
  required: boolean;
  completed: boolean;
  score: number | null;
  category: string | null;
  availableFrom: string | null;
}

export interface StandingCategory {
  key: string;
  name: string;
  weight: number;
  dropLowest: number;
  score: number;
  items: number;
  dropped: number;
}

export interface LearnerStanding {
  items: StandingItem[];
  categories: StandingCategory[];
  graded: boolean;
  grade: number;
  passMark: number;
  requireAllItems: boolean;
  requiredDone: number;
  requiredTotal: number;
  /** Whether the learner passes by the current rules. */
  passed: boolean;
  /** When a pass was first recorded (credentials were issued on it). */
  passedAt: string | null;
  passRecorded: boolean;
  /** The grade the pass was recorded (and credentials issued) with. */
  recordedGrade: number | null;
}

export interface CredentialView {
  id: string;
  kind: 'certificate' | 'credit';
  subjectName: string;
  courseTitle: string;
  courseId: string;
  institutionId: string;
  institutionName: string;
  grade: number;
  letterGrade: string;
  credits: number | null;
  ects: number | null;
  issuedAt: string;
  revokedAt: string | null;
  revocationReason: string | null;
  verifyUrl: string;
  generation: number;
  /** The credential that replaced this one (re-issued with a new grade). */
  supersededBy: string | null;
}

export interface StandingView {
  courseId: string;
  courseTitle: string;
  run: Run | null;
  slug: string | null;
  standing: LearnerStanding;
  credentials: CredentialView[];
}

export interface MyRun {
  run: {
    runId: string; courseId: string; moocId: string; slug: string; title: string; label: string; pace: string;
    startsAt: string | null; endsAt: string | null; enrolledAt: string; grade: number | null; passedAt: string | null;
  };
  letterGrade: string | null;
}

export interface GradingCategory { key: string; name: string; weight: number; dropLowest: number }
export interface GradingPolicy { categories: GradingCategory[]; passMark: number; requireAllItems: boolean }
export interface ItemRule { itemId: string; courseId: string; required: boolean; category: string | null; releaseDay: number | null; minPercent: number | null }
export interface Grading { policy: GradingPolicy | null; rules: ItemRule[] }

export interface MoocManage {
  entry: CatalogueCard | null;
  syllabus: string | null;
  instructors: string | null;
  runs: Run[];
  courseStatus: string;
}

export interface EntryFields {
  slug?: string | null;
  subject: string;
  language: string;
  level: string;
  syllabus: string | null;
  instructors: string | null;
  effortHoursPerWeek: number | null;
  durationWeeks: number | null;
  credits: number | null;
  ects: number | null;
  priceVnd: number;
  imageUrl: string | null;
}

export interface RunFields {
  label: string;
  pace: 'self' | 'instructor';
  startsAt: string | null;
  endsAt: string | null;
  cap: number | null;
  copyFromRunId?: string | null;
}

export interface RunStatsView {
  run: Run; passed: number; activeLastWeek: number; certificatesIssued: number; creditRecordsIssued: number; credentialsToReview: number;
}

export interface CredentialReview {
  id: string; courseId: string; userId: string; learnerName: string; issuedGrade: number; currentGrade: number; passes: boolean;
  cause: 'not-passing' | 'grade-fell' | 'grade-rose'; openedAt: string; updatedAt: string; decision: string | null; reason: string | null;
  decidedByName: string | null; decidedAt: string | null; credentials: CredentialView[];
}
export interface PolicyEffect {
  userId: string; name: string; issuedGrade: number | null; gradeNow: number; passesNow: boolean; gradeThen: number; passesThen: boolean;
  credentials: number;
}
export interface PolicyPreview { learners: number; affected: PolicyEffect[] }

export interface RubricCriterion { criterion: string; description: string | null; points: number }
export interface Review { role: string; scores: number[]; total: number; comment: string | null; createdAt: string }
export interface Submission {
  id: string; userId: string; authorName: string; text: string | null; fileName: string | null; fileSize: number | null;
  submittedAt: string; score: number | null; gradedAt: string | null; reviewCount: number; reviews: Review[];
  /** For a peer reviewer: until when the review is theirs, and whether it is an optional extra one. */
  reviewDueAt?: string | null; extraReview?: boolean;
}
export interface Assignment {
  id: string; courseId: string; instructions: string; submission: 'text' | 'file' | 'either'; review: 'teacher' | 'peer';
  peerReviews: number; rubric: RubricCriterion[]; maxPoints: number; canTeach: boolean; canSubmit: boolean;
  mine: Submission | null; peerReviewsDone: number; fileTypes: string[];
  /** Peer review's end: hours a reviewer has, the review deadline (then the staff grade), the final deadline (then no grade moves). */
  reviewHours: number; reviewsDueAt: string | null; finalAt: string | null; extraReviewsCount: boolean; reviewsClosed: boolean; final: boolean;
}
/** Submissions still without a grade; after the review deadline the staff grade them instead of peers ("cần chấm thay"). */
export interface StaffGrading { reviewsDueAt: string | null; finalAt: string | null; reviewsClosed: boolean; final: boolean; items: Submission[] }
/** One learner allowed to keep working past the run's end (and item due dates), until a date, for a recorded reason. */
export interface RunExtension {
  runId: string; userId: string; learnerName: string; until: string; reason: string; grantedByName: string; grantedAt: string;
}

export interface ForumThread {
  id: string; courseId: string; authorId: string; authorName: string; title: string; body: string; createdAt: string;
  lastActivityAt: string; replies: number; upvotes: number; hidden: boolean; locked: boolean; answered: boolean; votedByMe: boolean;
}
export interface ForumPost {
  id: string; threadId: string; authorId: string; authorName: string; body: string; createdAt: string; upvotes: number;
  hidden: boolean; teacherAnswer: boolean; votedByMe: boolean;
}

export interface VerificationCheck { check: string; passed: boolean; detail: string | null }
export interface Verification {
  valid: boolean; revoked: boolean; checks: VerificationCheck[]; issuerId: string | null; issuerName: string | null;
  credential: Record<string, unknown> | null;
}
export interface VerifyView { credential: CredentialView | null; verification: Verification }

export interface Share {
  id: string; credentialId: string; toInstitutionId: string; toInstitutionName: string; message: string | null; sharedAt: string;
  decision: 'pending' | 'accepted' | 'refused' | 'credential-revoked' | 'credential-replaced'; decidedByName: string | null; decidedAt: string | null; recognisedAs: string | null;
  recognisedCode: string | null; recognisedCredits: number | null; reason: string | null; kind: string; subjectName: string;
  courseTitle: string; issuerName: string; credits: number | null; grade: number;
  /** When the decision was marked because its credential was revoked or replaced, and what it was before. */
  markedAt: string | null; decisionBefore: string | null;
}
export interface TranscriptEntry { credential: CredentialView; shares: Share[] }
export interface Recognition { share: Share; credential: CredentialView; verification: Verification }
export interface Recipient { id: string; name: string; kind: string }

const m = '/api/moocs';
const c = (courseId: string) => `/api/courses/${encodeURIComponent(courseId)}`;

export const moocApi = {
  catalogue: (f: CatalogueFilters) =>
    request<Page<CatalogueCard>>(`/api/catalogue${query({ ...f, credit: f.credit ? 'true' : undefined })}`, { allowUnauthenticated: true }),
  facets: () => request<Facets>('/api/catalogue/facets', { allowUnauthenticated: true }),
  detail: (slug: string) => request<CatalogueDetail>(`/api/catalogue/${encodeURIComponent(slug)}`, { allowUnauthenticated: true }),
  /** Makes an account that works once its address is confirmed from the mail (nobody is signed in yet). */
  signUp: (runId: string, displayName: string, email: string, password: string, language: string) =>
    request<{ next: string }>(`${m}/runs/${runId}/sign-up`, { body: { displayName, email, password, language }, allowUnauthenticated: true }),
  enrol: (runId: string) => request<Enrolment>(`${m}/runs/${runId}/enrol`, { method: 'POST' }),
  mine: (skip = 0, take = 50) => request<Page<MyRun>>(`${m}/mine${query({ skip, take })}`),

  manage: (moocId: string) => request<MoocManage>(`${m}/${moocId}`),
  saveEntry: (moocId: string, fields: EntryFields) => request<MoocManage>(`${m}/${moocId}`, { method: 'PUT', body: fields }),
  createRun: (moocId: string, fields: RunFields) => request<Run>(`${m}/${moocId}/runs`, { body: fields }),
  updateRun: (runId: string, fields: RunFields) => request<Run>(`${m}/runs/${runId}`, { method: 'PUT', body: fields }),
  runStats: (runId: string) => request<RunStatsView>(`${m}/runs/${runId}/stats`),
  extensions: (runId: string) => request<RunExtension[]>(`${m}/runs/${runId}/extensions`),
  grantExtension: (runId: string, userId: string, until: string, reason: string) =>
    request<RunExtension>(`${m}/runs/${runId}/extensions/${userId}`, { method: 'PUT', body: { until, reason } }),
  withdrawExtension: (runId: string, userId: string) => request<void>(`${m}/runs/${runId}/extensions/${userId}`, { method: 'DELETE' }),
  myExtension: (runId: string) => request<RunExtension | undefined>(`${m}/runs/${runId}/extensions/mine`),

  runOf: (courseId: string) => request<Run | null>(`${c(courseId)}/run`),
  standing: (courseId: string) => request<StandingView>(`${c(courseId)}/standing`),
  grading: (courseId: string) => request<Grading>(`${c(courseId)}/grading`),
  savePolicy: (courseId: string, policy: GradingPolicy) => request<Grading>(`${c(courseId)}/grading`, { method: 'PUT', body: policy }),
  previewPolicy: (courseId: string, policy: GradingPolicy) => request<PolicyPreview>(`${c(courseId)}/grading/preview`, { body: policy }),
  saveRule: (courseId: string, itemId: string, rule: Omit<ItemRule, 'itemId' | 'courseId'>) =>
    request<ItemRule>(`${c(courseId)}/items/${itemId}/rule`, { method: 'PUT', body: rule }),

  createAssignment: (courseId: string, body: {
    moduleId: string; title: string; instructions: string; submission: string; review: string; peerReviews: number;
    rubric: RubricCriterion[]; category: string | null; reviewHours?: number; reviewsDueAt?: string | null; finalAt?: string | null;
  }) => request<Item>(`${c(courseId)}/assignments`, { body }),
  assignment: (id: string) => request<Assignment>(`${m}/assignments/${id}`),
  submit: (id: string, text: string, file: File | null) => {
    const form = new FormData();
    if (text) form.append('text', text);
    if (file) form.append('file', file, file.name);
    return request<Submission>(`${m}/assignments/${id}/submission`, { method: 'POST', body: form });
  },
  submissions: (id: string, skip = 0, take = 20) => request<Page<Submission>>(`${m}/assignments/${id}/submissions${query({ skip, take })}`),
  nextPeerReview: (id: string, extra = false) =>
    request<Submission | undefined>(`${m}/assignments/${id}/peer-review${query({ extra: extra ? 'true' : undefined })}`),
  staffGrading: (id: string) => request<StaffGrading>(`${m}/assignments/${id}/staff-grading`),
  setReviewSchedule: (id: string, body: { reviewHours: number; reviewsDueAt: string | null; finalAt: string | null; extraReviewsCount: boolean }) =>
    request<Assignment>(`${m}/assignments/${id}/review-schedule`, { method: 'PUT', body }),
  review: (submissionId: string, scores: number[], comment: string) =>
    request<Submission>(`${m}/submissions/${submissionId}/reviews`, { body: { scores, comment } }),
  fileUrl: (submissionId: string) => `${m}/submissions/${submissionId}/file`,

  threads: (courseId: string, p: { q?: string; sort?: string; skip?: number; take?: number }) =>
    request<{ threads: Page<ForumThread>; canModerate: boolean }>(`${c(courseId)}/forum${query(p)}`),
  createThread: (courseId: string, title: string, body: string) => request<ForumThread>(`${c(courseId)}/forum`, { body: { title, body } }),
  thread: (threadId: string, skip = 0, take = 50) =>
    request<{ thread: ForumThread; posts: Page<ForumPost>; canModerate: boolean }>(`/api/forum/threads/${threadId}${query({ skip, take })}`),
  reply: (threadId: string, body: string) => request<ForumPost>(`/api/forum/threads/${threadId}/replies`, { body: { body } }),
  voteThread: (threadId: string, up: boolean) => request<number>(`/api/forum/threads/${threadId}/vote`, { body: { up } }),
  votePost: (postId: string, up: boolean) => request<number>(`/api/forum/posts/${postId}/vote`, { body: { up } }),
  moderateThread: (threadId: string, change: { hidden?: boolean; locked?: boolean }) =>
    request<ForumThread>(`/api/forum/threads/${threadId}/moderation`, { body: change }),
  moderatePost: (postId: string, change: { hidden?: boolean; answer?: boolean }) =>
    request<ForumPost>(`/api/forum/posts/${postId}/moderation`, { body: change }),
};

export const credentialApi = {
  verify: (id: string) => request<VerifyView>(`/api/verify/${id}`, { allowUnauthenticated: true }),
  pdfUrl: (id: string) => `/api/verify/${id}/pdf`,
  jwtUrl: (id: string) => `/api/verify/${id}/credential`,
  transcript: () => request<TranscriptEntry[]>('/api/credentials'),
  transcriptUrl: '/api/credentials/transcript.json',
  recipients: (q: string) => request<Recipient[]>(`/api/credentials/recipients${query({ q })}`),
  share: (credentialId: string, institutionId: string, message: string) =>
    request<Share>(`/api/credentials/${credentialId}/shares`, { body: { institutionId, message } }),
  revoke: (credentialId: string, reason: string, keepRelated = false) =>
    request<CredentialView>(`/api/credentials/${credentialId}/revoke`, { body: { reason, keepRelated } }),
  reviews: (courseId: string, all = false) => request<Page<CredentialReview>>(`${c(courseId)}/credential-reviews${query({ all: all ? 'true' : undefined })}`),
  decideReview: (reviewId: string, body: { decision: 'keep' | 'reissue' | 'revoke'; reason?: string; kinds?: string[] }) =>
    request<CredentialReview>(`/api/credential-reviews/${reviewId}/decision`, { body }),
  courseCredentials: (courseId: string) => request<Page<CredentialView>>(`${c(courseId)}/credentials`),
  inbox: (institutionId: string, decision?: string) =>
    request<Page<Share>>(`/api/institutions/${institutionId}/recognition${query({ decision })}`),
  recognition: (shareId: string) => request<Recognition>(`/api/recognition/${shareId}`),
  decide: (shareId: string, body: { accept: boolean; recognisedAs?: string; recognisedCode?: string; recognisedCredits?: number | null; reason?: string }) =>
    request<Recognition>(`/api/recognition/${shareId}/decision`, { body }),
};

export type { Me };
