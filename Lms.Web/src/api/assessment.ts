// The assessment API: question bank, quizzes, attempts, review, grading, gradebook, statistics.
import { query, request } from './client';
import type { Page } from './lms';

export type QuestionType = 'single' | 'multiple' | 'truefalse' | 'short' | 'numerical' | 'matching' | 'ordering' | 'cloze' | 'essay';
export const questionTypes: QuestionType[] = ['single', 'multiple', 'truefalse', 'short', 'numerical', 'matching', 'ordering', 'cloze', 'essay'];

export interface Choice { id: string; text: string; fraction: number; feedback?: string | null }
export interface AcceptedAnswer { text: string; fraction: number; feedback?: string | null }
export interface NumericAnswer { value: number; tolerance: number; fraction: number; feedback?: string | null }
export interface MatchPair { id: string; prompt: string; answer: string }
export interface OrderItem { id: string; text: string }
export interface Blank {
  id: string; kind: 'text' | 'numeric' | 'choice'; accepted?: AcceptedAnswer[] | null; caseSensitive?: boolean;
  numbers?: NumericAnswer[] | null; choices?: Choice[] | null;
}

export interface QuestionContent {
  type: QuestionType;
  stem: string;
  generalFeedback?: string | null;
  choices?: Choice[] | null;
  correct?: boolean | null;
  trueFeedback?: string | null;
  falseFeedback?: string | null;
  accepted?: AcceptedAnswer[] | null;
  caseSensitive?: boolean;
  numbers?: NumericAnswer[] | null;
  pairs?: MatchPair[] | null;
  distractors?: string[] | null;
  items?: OrderItem[] | null;
  blanks?: Blank[] | null;
}

export interface QuestionSummary {
  id: string; institutionId: string; institutionName: string; type: QuestionType; title: string;
  subject: string | null; level: string | null; tags: string[]; difficulty: number; shared: boolean; version: number; updatedAt: string;
}

export interface QuestionDetail { summary: QuestionSummary; content: QuestionContent; canEdit: boolean }

export interface QuestionFields {
  title: string; subject: string | null; level: string | null; tags: string[]; difficulty: number; shared: boolean; content: QuestionContent;
}

/** `code` and `args` word the reason in the reader's language (`bank.importReason.*`); `reason` is the server's English. */
export interface ImportProblem { number: number; question: string; reason: string; code?: string | null; args?: Record<string, string> | null }

export type GradingMethod = 'highest' | 'last' | 'average';
export type ReviewWhen = 'immediately' | 'after_close' | 'never';

export interface FeedbackBand { minPercent: number; text: string }

export interface QuizSettings {
  description?: string | null;
  openAt?: string | null;
  closeAt?: string | null;
  timeLimitSeconds?: number | null;
  attemptsAllowed: number;
  gradingMethod: GradingMethod;
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  passMark: number;
  requireFullScreen: boolean;
  layout: 'one' | 'all';
  reviewScores: ReviewWhen;
  reviewAnswers: ReviewWhen;
  overallFeedback?: FeedbackBand[] | null;
}

export interface SlotSpec {
  kind: 'fixed' | 'random';
  questionId?: string | null;
  points: number;
  count?: number;
  tags?: string[] | null;
  minDifficulty?: number | null;
  maxDifficulty?: number | null;
  subject?: string | null;
  type?: string | null;
}

export interface QuizSection { title: string; items: SlotSpec[] }
export interface QuizDefinition { sections: QuizSection[] }

export interface SlotSpecView { spec: SlotSpec; questionTitle: string | null; questionType: string | null; available: number | null }
export interface SectionView { title: string; items: SlotSpecView[] }

export interface AttemptSummary {
  id: string; number: number; status: 'in_progress' | 'submitted'; startedAt: string; deadlineAt: string | null; submittedAt: string | null;
  score: number | null; maxScore: number; needsGrading: boolean; scoreVisible: boolean;
}

export interface LearnerQuizGrade {
  quizId: string; userId: string; attempts: number; score: number | null; maxScore: number; percent: number | null; passed: boolean; pending: boolean;
}

export interface QuizView {
  id: string; courseId: string; courseTitle: string; title: string; settings: QuizSettings; maxPoints: number; questionCount: number;
  canTeach: boolean; canLearn: boolean; sections: SectionView[] | null; myAttempts: AttemptSummary[]; myGrade: LearnerQuizGrade | null;
  attemptsLeft: number | null; serverNow: string; institutionId: string;
}

export interface OptionView { id: string; text: string }
export interface BlankView { id: string; kind: 'text' | 'numeric' | 'choice'; choices: OptionView[] | null }

export interface StudentQuestion {
  slot: number; section: string | null; points: number; type: QuestionType; stem: string;
  choices: OptionView[] | null; prompts: OptionView[] | null; answers: string[] | null; items: OptionView[] | null; blanks: BlankView[] | null;
}

export interface QuestionResponse {
  choice?: string; choices?: string[]; value?: boolean; text?: string;
  pairs?: Record<string, string>; order?: string[]; blanks?: Record<string, string>;
}

export interface AttemptView {
  id: string; quizId: string; quizTitle: string; courseId: string; number: number; status: 'in_progress' | 'submitted';
  startedAt: string; deadlineAt: string | null; serverNow: string; graceSeconds: number; submittedAt: string | null;
  layout: 'one' | 'all'; requireFullScreen: boolean; questions: StudentQuestion[]; responses: Record<string, QuestionResponse>;
  flagged: number[]; owner: boolean; reviewAvailable: boolean;
}

/** An answer; clientTime is on the device's own clock (the server moves it onto its own by the device's offset). */
export interface AnswerItem { answerId: string; slot: number; response: QuestionResponse; clientTime: string }
/** About a batch: the device's clock as it is sent, and whether (and how long) the device's offline queue held it. */
export interface BatchInfo { clientNow: string; queued: boolean; heldMs?: number }
export interface RefusedAnswer { answerId: string; code: string; message: string }
export interface AnswersResult { accepted: string[]; refused: RefusedAnswer[]; serverNow: string; deadlineAt: string | null; status: string }

export interface ReviewQuestion {
  question: StudentQuestion; response: QuestionResponse | null; score: number | null; points: number; rightAnswer: string | null;
  feedback: string[] | null; comment: string | null; needsGrading: boolean;
}

export interface ReviewView {
  id: string; quizId: string; quizTitle: string; courseId: string; studentName: string; number: number; status: string;
  startedAt: string; submittedAt: string | null; submittedBy: string | null; score: number | null; maxScore: number;
  percent: number | null; passed: boolean | null; needsGrading: boolean; scoresVisible: boolean; answersVisible: boolean;
  overallFeedback: string | null; questions: ReviewQuestion[];
}

export interface AttemptListRow {
  id: string; quizId: string; userId: string; displayName: string; number: number; status: string; startedAt: string;
  deadlineAt: string | null; submittedAt: string | null; submittedBy: string | null; score: number | null; maxScore: number;
  needsGrading: boolean; events: number;
}

export interface EventRow { id: string; attemptId: string; at: string; kind: string; deviceId: string | null; detail: string | null }

export interface ChoiceCount { key: string; label: string; count: number; right: boolean }
export interface QuestionStatistics {
  questionId: string; title: string; type: string; responses: number; facilityIndex: number | null; discriminationIndex: number | null;
  standardDeviation: number | null; distribution: ChoiceCount[];
}
export interface QuizStatistics {
  attempts: number; averageScorePercent: number | null; medianPercent: number | null;
  histogram: { from: number; to: number; count: number }[]; questions: QuestionStatistics[];
}

export interface SlotOrderChange { slot: number; before: string | null; after: string | null; scoreBefore: number | null; scoreAfter: number | null; manual: boolean }
export interface AttemptOrderChange {
  attemptId: string; userId: string; displayName: string; number: number; scoreBefore: number | null; scoreAfter: number | null; slots: SlotOrderChange[];
}

export interface GradebookColumn { quizId: string; title: string; maxPoints: number; passMark: number; gradingMethod: string }
export interface GradebookCell { quizId: string; score: number | null; percent: number | null; attempts: number; passed: boolean; pending: boolean }
export interface GradebookRow { userId: string; displayName: string; login: string | null; cells: GradebookCell[]; total: number; totalMax: number; totalPercent: number | null }
export interface Gradebook { courseId: string; courseTitle: string; columns: GradebookColumn[]; rows: GradebookRow[] }

export interface QueueItem {
  attemptId: string; quizId: string; quizTitle: string; userId: string; displayName: string; slot: number; points: number;
  submittedAt: string | null; question: StudentQuestion; response: QuestionResponse | null;
}

const bank = (institutionId: string) => `/api/institutions/${encodeURIComponent(institutionId)}/questions`;

export const assessment = {
  searchQuestions: (institutionId: string, p: { q?: string; type?: string; tag?: string; subject?: string; level?: string; skip?: number; take?: number }) =>
    request<Page<QuestionSummary>>(`${bank(institutionId)}${query(p)}`),
  tags: (institutionId: string) => request<string[]>(`${bank(institutionId)}/tags`),
  createQuestion: (institutionId: string, fields: QuestionFields) => request<QuestionDetail>(bank(institutionId), { body: fields }),
  question: (id: string) => request<QuestionDetail>(`/api/questions/${id}`),
  updateQuestion: (id: string, fields: QuestionFields) => request<QuestionDetail>(`/api/questions/${id}`, { method: 'PUT', body: fields }),
  deleteQuestion: (id: string) => request<void>(`/api/questions/${id}`, { method: 'DELETE' }),
  importQuestions: (institutionId: string, file: File, tags?: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<{ imported: number; ids: string[] }>(`${bank(institutionId)}/import${query({ tags })}`, { method: 'POST', body: form });
  },
  exportUrl: (institutionId: string, ids?: string[]) => `${bank(institutionId)}/export${query({ ids: ids?.join(',') })}`,

  createQuiz: (courseId: string, moduleId: string, title: string, settings?: Partial<QuizSettings>) =>
    request<{ quizId: string; itemId: string }>(`/api/courses/${courseId}/modules/${moduleId}/quizzes`, { body: { title, settings } }),
  quiz: (id: string) => request<QuizView>(`/api/quizzes/${id}`),
  updateQuiz: (id: string, title: string, settings: QuizSettings, definition: QuizDefinition) =>
    request<QuizView>(`/api/quizzes/${id}`, { method: 'PUT', body: { title, settings, definition } }),
  start: (quizId: string, deviceId: string) =>
    request<AttemptView>(`/api/quizzes/${quizId}/attempts`, { body: { deviceId, clientNow: new Date().toISOString() } }),
  attempts: (quizId: string) => request<AttemptListRow[]>(`/api/quizzes/${quizId}/attempts`),
  statistics: (quizId: string) => request<QuizStatistics>(`/api/quizzes/${quizId}/statistics`),
  regrade: (quizId: string, questionId?: string) => request<{ attempts: number }>(`/api/quizzes/${quizId}/regrade`, { body: { questionId } }),
  answerOrderChanges: (quizId: string) => request<AttemptOrderChange[]>(`/api/quizzes/${quizId}/answer-order`),
  regradeAnswerOrder: (quizId: string, attemptIds?: string[]) =>
    request<{ attempts: number }>(`/api/quizzes/${quizId}/answer-order/regrade`, { body: { attemptIds } }),

  attempt: (id: string, deviceId: string) =>
    request<AttemptView>(`/api/attempts/${id}${query({ deviceId, clientNow: new Date().toISOString() })}`),
  answer: (id: string, deviceId: string, answers: AnswerItem[], batch: BatchInfo) =>
    request<AnswersResult>(`/api/attempts/${id}/answers`, { body: { deviceId, answers, ...batch } }),
  flag: (id: string, deviceId: string, slot: number, flagged: boolean) =>
    request<void>(`/api/attempts/${id}/flags`, { body: { deviceId, slot, flagged } }),
  events: (id: string, deviceId: string, events: { kind: string; at: string; detail?: string }[]) =>
    request<void>(`/api/attempts/${id}/events`, { body: { deviceId, events } }),
  submit: (id: string) => request<ReviewView>(`/api/attempts/${id}/submit`, { method: 'POST' }),
  review: (id: string) => request<ReviewView>(`/api/attempts/${id}/review`),
  timeline: (id: string) => request<EventRow[]>(`/api/attempts/${id}/timeline`),
  gradeSlot: (id: string, slot: number, score: number, comment: string) =>
    request<ReviewView>(`/api/attempts/${id}/slots/${slot}/grade`, { body: { score, comment } }),

  gradebook: (courseId: string) => request<Gradebook>(`/api/courses/${courseId}/gradebook`),
  gradingQueue: (courseId: string) => request<QueueItem[]>(`/api/courses/${courseId}/grading-queue`),
};
