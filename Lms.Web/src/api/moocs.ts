// MOOCs and credentials: the catalogue, runs, standing, grading, assignments, forum, certificates and recognition.
// Shapes and paths come from the server's OpenAPI document (typed.ts); only the closed sets of values are narrowed here.
import { request } from './client';
import type { Item, Me, Page } from './lms';
import { api, call, type Schemas } from './typed';

type Pace = 'self' | 'instructor';

export type CatalogueCard = Schemas['CatalogueCard'];
export type Facet = Schemas['FacetView'];
export type Facets = Schemas['FacetsView'];
export type Run = Omit<Schemas['MoocsRunView'], 'pace'> & { pace: Pace };
export type CatalogueDetail = Omit<Schemas['CatalogueDetail'], 'runs'> & { runs: Run[] };
export type RunStats = Schemas['RunStats'];
export type Enrolment = Schemas['EnrolmentView'];

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

export type StandingItem = Schemas['StandingItem'];
export type StandingCategory = Schemas['StandingCategory'];
/** `passed`: by the current rules; `passedAt`: when a pass was first recorded (credentials issued on it, with `recordedGrade`). */
export type LearnerStanding = Schemas['LearnerStanding'];
/** `supersededBy`: the credential that replaced this one (re-issued with a new grade). */
export type CredentialView = Omit<Schemas['CredentialView'], 'kind'> & { kind: 'certificate' | 'credit' };
export type StandingView = Omit<Schemas['StandingView'], 'run' | 'credentials'> & { run: Run | null; credentials: CredentialView[] };
export type MyRun = Schemas['MyLearningView'];

export type GradingCategory = Schemas['GradingCategory'];
export type GradingPolicy = Schemas['GradingPolicy'];
export type ItemRule = Schemas['ItemRuleRow'];
export type Grading = Schemas['GradingView'];

export type MoocManage = Omit<Schemas['MoocManageView'], 'runs'> & { runs: Run[] };
export type EntryFields = Omit<Schemas['CatalogueEntryRequest'], 'slug'> & { slug?: string | null };
export type RunFields = Omit<Schemas['RunRequest'], 'pace' | 'copyFromRunId'> & { pace: Pace; copyFromRunId?: string | null };
export type RunStatsView = Omit<Schemas['RunStatsView'], 'run'> & { run: Run };

export type CredentialReview = Omit<Schemas['CredentialReviewView'], 'cause' | 'credentials'> & {
  cause: 'not-passing' | 'grade-fell' | 'grade-rose'; credentials: CredentialView[];
};
export type PolicyEffect = Schemas['PolicyEffectView'];
export type PolicyPreview = Schemas['PolicyPreviewView'];

export type RubricCriterion = Schemas['RubricCriterion'];
export type Review = Schemas['MoocsReviewView'];
export type Submission = Schemas['SubmissionView'];
/** Submissions still without a grade; after the review deadline the staff grade them instead of peers ("cần chấm thay"). */
export type StaffGrading = Schemas['StaffGradingView'];
/** One learner allowed to keep working past the run's end (and item due dates), until a date, for a recorded reason. */
export type RunExtension = Schemas['ExtensionView'];
export type Assignment = Omit<Schemas['AssignmentView'], 'submission' | 'review'> & {
  submission: 'text' | 'file' | 'either'; review: 'teacher' | 'peer';
};

export type ForumThread = Schemas['ThreadRow'];
export type ForumPost = Schemas['PostRow'];

export type VerificationCheck = Schemas['VerificationCheck'];
/** `credential` is the signed credential's payload as issued (any JSON object). */
export type Verification = Omit<Schemas['Verification'], 'credential'> & { credential: Record<string, unknown> | null };
export type VerifyView = Omit<Schemas['VerifyView'], 'credential' | 'verification'> & { credential: CredentialView | null; verification: Verification };

/** `markedAt`/`decisionBefore`: when the decision was marked because its credential was revoked or replaced, and what it was before. */
export type Share = Omit<Schemas['ShareView'], 'decision'> & {
  decision: 'pending' | 'accepted' | 'refused' | 'credential-revoked' | 'credential-replaced';
};
export type TranscriptEntry = Omit<Schemas['TranscriptEntry'], 'credential' | 'shares'> & { credential: CredentialView; shares: Share[] };
export type Recognition = Omit<Schemas['RecognitionView'], 'share' | 'credential' | 'verification'> & {
  share: Share; credential: CredentialView; verification: Verification;
};
export type Recipient = Schemas['RecipientView'];

const m = '/api/moocs';
const open = { allowUnauthenticated: true };
const onRun = (runId: string) => ({ params: { path: { runId } } });
const onMooc = (moocId: string) => ({ params: { path: { moocId } } });
const inCourse = (courseId: string) => ({ params: { path: { courseId } } });
const onAssignment = (assignmentId: string) => ({ params: { path: { assignmentId } } });
const onThread = (threadId: string) => ({ params: { path: { threadId } } });
const onPost = (postId: string) => ({ params: { path: { postId } } });
const onCredential = (credentialId: string) => ({ params: { path: { credentialId } } });
const onShare = (shareId: string) => ({ params: { path: { shareId } } });

export const moocApi = {
  catalogue: (f: CatalogueFilters) =>
    call(api.GET('/api/catalogue', { params: { query: { ...f, credit: f.credit || undefined } } }), open),
  facets: () => call(api.GET('/api/catalogue/facets'), open),
  detail: (slug: string) => call(api.GET('/api/catalogue/{slug}', { params: { path: { slug } } }), open) as Promise<CatalogueDetail>,
  /** Makes an account that works once its address is confirmed from the mail (nobody is signed in yet). */
  signUp: (runId: string, displayName: string, email: string, password: string, language: string) =>
    call(api.POST('/api/moocs/runs/{runId}/sign-up', { ...onRun(runId), body: { displayName, email, password, language } }), open),
  enrol: (runId: string) => call(api.POST('/api/moocs/runs/{runId}/enrol', onRun(runId))),
  mine: (skip = 0, take = 50) => call(api.GET('/api/moocs/mine', { params: { query: { skip, take } } })),

  manage: (moocId: string) => call(api.GET('/api/moocs/{moocId}', onMooc(moocId))) as Promise<MoocManage>,
  saveEntry: (moocId: string, fields: EntryFields) =>
    call(api.PUT('/api/moocs/{moocId}', { ...onMooc(moocId), body: { slug: null, ...fields } })) as Promise<MoocManage>,
  createRun: (moocId: string, fields: RunFields) =>
    call(api.POST('/api/moocs/{moocId}/runs', { ...onMooc(moocId), body: { copyFromRunId: null, ...fields } })) as Promise<Run>,
  updateRun: (runId: string, fields: RunFields) =>
    call(api.PUT('/api/moocs/runs/{runId}', { ...onRun(runId), body: { copyFromRunId: null, ...fields } })) as Promise<Run>,
  runStats: (runId: string) => call(api.GET('/api/moocs/runs/{runId}/stats', onRun(runId))) as Promise<RunStatsView>,
  extensions: (runId: string) => call(api.GET('/api/moocs/runs/{runId}/extensions', onRun(runId))) as Promise<RunExtension[]>,
  grantExtension: (runId: string, userId: string, until: string, reason: string) =>
    call(api.PUT('/api/moocs/runs/{runId}/extensions/{userId}', { params: { path: { runId, userId } }, body: { until, reason } })) as Promise<RunExtension>,
  withdrawExtension: (runId: string, userId: string) =>
    call(api.DELETE('/api/moocs/runs/{runId}/extensions/{userId}', { params: { path: { runId, userId } } })) as Promise<void>,
  myExtension: (runId: string) => call(api.GET('/api/moocs/runs/{runId}/extensions/mine', onRun(runId))) as Promise<RunExtension | undefined>,

  runOf: (courseId: string) => call(api.GET('/api/courses/{courseId}/run', inCourse(courseId))) as Promise<Run | null>,
  standing: (courseId: string) => call(api.GET('/api/courses/{courseId}/standing', inCourse(courseId))) as Promise<StandingView>,
  grading: (courseId: string) => call(api.GET('/api/courses/{courseId}/grading', inCourse(courseId))),
  savePolicy: (courseId: string, policy: GradingPolicy) => call(api.PUT('/api/courses/{courseId}/grading', { ...inCourse(courseId), body: policy })),
  previewPolicy: (courseId: string, policy: GradingPolicy) =>
    call(api.POST('/api/courses/{courseId}/grading/preview', { ...inCourse(courseId), body: policy })),
  saveRule: (courseId: string, itemId: string, rule: Omit<ItemRule, 'itemId' | 'courseId'>) =>
    call(api.PUT('/api/courses/{courseId}/items/{itemId}/rule', { params: { path: { courseId, itemId } }, body: rule })),

  createAssignment: (courseId: string, body: Schemas['CreateAssignmentRequest']) =>
    call(api.POST('/api/courses/{courseId}/assignments', { ...inCourse(courseId), body })) as Promise<Item>,
  assignment: (id: string) => call(api.GET('/api/moocs/assignments/{assignmentId}', onAssignment(id))) as Promise<Assignment>,
  // A file goes up as multipart form data, which the typed client does not describe: plain `request`.
  submit: (id: string, text: string, file: File | null) => {
    const form = new FormData();
    if (text) form.append('text', text);
    if (file) form.append('file', file, file.name);
    return request<Submission>(`${m}/assignments/${encodeURIComponent(id)}/submission`, { method: 'POST', body: form });
  },
  submissions: (id: string, skip = 0, take = 20) =>
    call(api.GET('/api/moocs/assignments/{assignmentId}/submissions', { params: { path: { assignmentId: id }, query: { skip, take } } })),
  /** The next submission to review, or nothing (204) when there is none. */
  nextPeerReview: (id: string, extra = false) =>
    call(api.GET('/api/moocs/assignments/{assignmentId}/peer-review',
      { params: { path: { assignmentId: id }, query: extra ? { extra: true } : {} } })) as Promise<Submission | undefined>,
  staffGrading: (id: string) => call(api.GET('/api/moocs/assignments/{assignmentId}/staff-grading', onAssignment(id))) as Promise<StaffGrading>,
  setReviewSchedule: (id: string, body: { reviewHours: number; reviewsDueAt: string | null; finalAt: string | null; extraReviewsCount: boolean }) =>
    call(api.PUT('/api/moocs/assignments/{assignmentId}/review-schedule', { ...onAssignment(id), body })) as Promise<Assignment>,
  review: (submissionId: string, scores: number[], comment: string) =>
    call(api.POST('/api/moocs/submissions/{submissionId}/reviews', { params: { path: { submissionId } }, body: { scores, comment } })),
  fileUrl: (submissionId: string) => `${m}/submissions/${submissionId}/file`,

  threads: (courseId: string, p: { q?: string; sort?: string; skip?: number; take?: number }) =>
    call(api.GET('/api/courses/{courseId}/forum', { params: { path: { courseId }, query: p } })),
  createThread: (courseId: string, title: string, body: string) =>
    call(api.POST('/api/courses/{courseId}/forum', { ...inCourse(courseId), body: { title, body } })),
  thread: (threadId: string, skip = 0, take = 50) =>
    call(api.GET('/api/forum/threads/{threadId}', { params: { path: { threadId }, query: { skip, take } } })),
  reply: (threadId: string, body: string) => call(api.POST('/api/forum/threads/{threadId}/replies', { ...onThread(threadId), body: { body } })),
  voteThread: (threadId: string, up: boolean) => call(api.POST('/api/forum/threads/{threadId}/vote', { ...onThread(threadId), body: { up } })),
  votePost: (postId: string, up: boolean) => call(api.POST('/api/forum/posts/{postId}/vote', { ...onPost(postId), body: { up } })),
  moderateThread: (threadId: string, change: { hidden?: boolean; locked?: boolean }) =>
    call(api.POST('/api/forum/threads/{threadId}/moderation', { ...onThread(threadId), body: { hidden: null, locked: null, answer: null, ...change } })),
  moderatePost: (postId: string, change: { hidden?: boolean; answer?: boolean }) =>
    call(api.POST('/api/forum/posts/{postId}/moderation', { ...onPost(postId), body: { hidden: null, locked: null, answer: null, ...change } })),
};

export const credentialApi = {
  verify: (id: string) => call(api.GET('/api/verify/{credentialId}', onCredential(id)), open) as Promise<VerifyView>,
  pdfUrl: (id: string) => `/api/verify/${id}/pdf`,
  jwtUrl: (id: string) => `/api/verify/${id}/credential`,
  transcript: () => call(api.GET('/api/credentials')) as Promise<TranscriptEntry[]>,
  transcriptUrl: '/api/credentials/transcript.json',
  recipients: (q: string) => call(api.GET('/api/credentials/recipients', { params: { query: { q } } })),
  share: (credentialId: string, institutionId: string, message: string) =>
    call(api.POST('/api/credentials/{credentialId}/shares', { ...onCredential(credentialId), body: { institutionId, message } })) as Promise<Share>,
  revoke: (credentialId: string, reason: string, keepRelated = false) =>
    call(api.POST('/api/credentials/{credentialId}/revoke', { ...onCredential(credentialId), body: { reason, keepRelated } })) as Promise<CredentialView>,
  reviews: (courseId: string, all = false) =>
    call(api.GET('/api/courses/{courseId}/credential-reviews', { params: { path: { courseId }, query: { all: all || undefined } } })) as Promise<Page<CredentialReview>>,
  decideReview: (reviewId: string, body: { decision: 'keep' | 'reissue' | 'revoke'; reason?: string; kinds?: string[] }) =>
    call(api.POST('/api/credential-reviews/{reviewId}/decision', { params: { path: { reviewId } }, body: { reason: null, ...body } })) as Promise<CredentialReview>,
  courseCredentials: (courseId: string) => call(api.GET('/api/courses/{courseId}/credentials', inCourse(courseId))) as Promise<Page<CredentialView>>,
  inbox: (institutionId: string, decision?: string) =>
    call(api.GET('/api/institutions/{institutionId}/recognition', { params: { path: { institutionId }, query: { decision } } })) as Promise<Page<Share>>,
  recognition: (shareId: string) => call(api.GET('/api/recognition/{shareId}', onShare(shareId))) as Promise<Recognition>,
  decide: (shareId: string, body: { accept: boolean; recognisedAs?: string; recognisedCode?: string; recognisedCredits?: number | null; reason?: string }) =>
    call(api.POST('/api/recognition/{shareId}/decision', {
      ...onShare(shareId), body: { recognisedAs: null, recognisedCode: null, recognisedCredits: null, reason: null, ...body },
    })) as Promise<Recognition>,
};

export type { Me };
