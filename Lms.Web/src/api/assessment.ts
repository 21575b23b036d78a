// The assessment API: question bank, quizzes, attempts, review, grading, gradebook, statistics.
// Shapes and paths come from the server's OpenAPI document (typed.ts). Narrowed here: the closed sets of values, the
// fields of a record the client also sends that the server always fills in (the document calls them optional, since
// a client may leave them out), and the stored responses, which the server keeps as the JSON it was sent.
import { query, request } from './client';
import type { Page } from './lms';
import { api, call, type Schemas } from './typed';

export type QuestionType = 'single' | 'multiple' | 'truefalse' | 'short' | 'numerical' | 'matching' | 'ordering' | 'cloze' | 'essay';
export const questionTypes: QuestionType[] = ['single', 'multiple', 'truefalse', 'short', 'numerical', 'matching', 'ordering', 'cloze', 'essay'];

/** T with the fields K always there. */
type Filled<T, K extends keyof T> = Omit<T, K> & Required<Pick<T, K>>;

export type Choice = Filled<Schemas['Choice'], 'id' | 'text' | 'fraction'>;
export type AcceptedAnswer = Filled<Schemas['AcceptedAnswer'], 'text' | 'fraction'>;
export type NumericAnswer = Filled<Schemas['NumericAnswer'], 'value' | 'tolerance' | 'fraction'>;
export type MatchPair = Required<Schemas['MatchPair']>;
export type OrderItem = Required<Schemas['OrderItem']>;
export type Blank = Omit<Schemas['Blank'], 'id' | 'kind' | 'accepted' | 'numbers' | 'choices'> & {
  id: string; kind: 'text' | 'numeric' | 'choice'; accepted?: AcceptedAnswer[] | null; numbers?: NumericAnswer[] | null; choices?: Choice[] | null;
};

export type QuestionContent = Omit<Schemas['QuestionContent'], 'type' | 'stem' | 'choices' | 'accepted' | 'numbers' | 'pairs' | 'items' | 'blanks'> & {
  type: QuestionType;
  stem: string;
  choices?: Choice[] | null;
  accepted?: AcceptedAnswer[] | null;
  numbers?: NumericAnswer[] | null;
  pairs?: MatchPair[] | null;
  items?: OrderItem[] | null;
  blanks?: Blank[] | null;
};

export type QuestionSummary = Omit<Schemas['QuestionSummary'], 'type'> & { type: QuestionType };
export type QuestionDetail = Omit<Schemas['QuestionDetail'], 'summary' | 'content'> & { summary: QuestionSummary; content: QuestionContent };
export type QuestionFields = Omit<Schemas['QuestionRequest'], 'tags' | 'content'> & { tags: string[]; content: QuestionContent };

/**
 * One question a GIFT or QTI file could not give, from the import's problem (its `problems` extension, not in the
 * document). `code` and `args` word the reason in the reader's language (`bank.importReason.*`); `reason` is the server's English.
 */
export interface ImportProblem { number: number; question: string; reason: string; code?: string | null; args?: Record<string, string> | null }

export type GradingMethod = 'highest' | 'last' | 'average';
export type ReviewWhen = 'immediately' | 'after_close' | 'never';

export type FeedbackBand = Required<Schemas['FeedbackBand']>;

export type QuizSettings = Omit<Schemas['QuizSettings'],
  'attemptsAllowed' | 'gradingMethod' | 'shuffleQuestions' | 'shuffleOptions' | 'passMark' | 'requireFullScreen' | 'layout'
  | 'reviewScores' | 'reviewAnswers' | 'overallFeedback'> & {
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
};

export type SlotSpec = Filled<Omit<Schemas['QuizSlotSpec'], 'kind'>, 'points'> & { kind: 'fixed' | 'random' };
export interface QuizSection { title: string; items: SlotSpec[] }
export interface QuizDefinition { sections: QuizSection[] }

export type SlotSpecView = Omit<Schemas['SlotSpecView'], 'spec'> & { spec: SlotSpec };
export type SectionView = Omit<Schemas['SectionView'], 'items'> & { items: SlotSpecView[] };

type AttemptStatus = 'in_progress' | 'submitted';
export type AttemptSummary = Omit<Schemas['AttemptSummary'], 'status'> & { status: AttemptStatus };
export type LearnerQuizGrade = Schemas['LearnerQuizGrade'];

export type QuizView = Omit<Schemas['QuizView'], 'settings' | 'sections' | 'myAttempts'> & {
  settings: QuizSettings; sections: SectionView[] | null; myAttempts: AttemptSummary[];
};

export type OptionView = Schemas['OptionView'];
export type BlankView = Omit<Schemas['BlankView'], 'kind'> & { kind: 'text' | 'numeric' | 'choice' };
export type StudentQuestion = Omit<Schemas['StudentQuestion'], 'type' | 'blanks'> & { type: QuestionType; blanks: BlankView[] | null };

/** A student's response; each question type reads its own fields (the server's QuestionResponse, kept as the JSON sent). */
export interface QuestionResponse {
  choice?: string; choices?: string[]; value?: boolean; text?: string;
  pairs?: Record<string, string>; order?: string[]; blanks?: Record<string, string>;
}

export type AttemptView = Omit<Schemas['AttemptView'], 'status' | 'layout' | 'questions' | 'responses'> & {
  status: AttemptStatus; layout: 'one' | 'all'; questions: StudentQuestion[]; responses: Record<string, QuestionResponse>;
};

/** An answer; clientTime is on the device's own clock (the server moves it onto its own by the device's offset). */
export type AnswerItem = Omit<Schemas['AnswerItemRequest'], 'response' | 'clientTime'> & { response: QuestionResponse; clientTime: string };
/** About a batch: the device's clock as it is sent, and whether (and how long) the device's offline queue held it. */
export interface BatchInfo { clientNow: string; queued: boolean; heldMs?: number }
export type RefusedAnswer = Schemas['RefusedAnswer'];
export type AnswersResult = Schemas['AnswersResult'];

export type ReviewQuestion = Omit<Schemas['ReviewQuestion'], 'question' | 'response'> & { question: StudentQuestion; response: QuestionResponse | null };
export type ReviewView = Omit<Schemas['AssessmentReviewView'], 'questions'> & { questions: ReviewQuestion[] };
export type AttemptListRow = Schemas['AttemptListRow'];
export type EventRow = Schemas['EventRow'];

export type ChoiceCount = Schemas['ChoiceCount'];
export type QuestionStatistics = Schemas['QuestionStatistics'];
export type QuizStatistics = Schemas['QuizStatisticsView'];

export type SlotOrderChange = Schemas['SlotOrderChange'];
export type AttemptOrderChange = Schemas['AttemptOrderChange'];

export type GradebookColumn = Schemas['GradebookColumn'];
export type GradebookCell = Schemas['GradebookCell'];
export type GradebookRow = Schemas['GradebookRow'];
export type Gradebook = Schemas['Gradebook'];

export type QueueItem = Omit<Schemas['QueueItem'], 'question' | 'response'> & { question: StudentQuestion; response: QuestionResponse | null };

const bank = (institutionId: string) => `/api/institutions/${encodeURIComponent(institutionId)}/questions`;
const inBank = (institutionId: string) => ({ params: { path: { institutionId } } });
const onQuestion = (questionId: string) => ({ params: { path: { questionId } } });
const onQuiz = (quizId: string) => ({ params: { path: { quizId } } });
const onAttempt = (attemptId: string) => ({ params: { path: { attemptId } } });
const inCourse = (courseId: string) => ({ params: { path: { courseId } } });

export const assessment = {
  searchQuestions: (institutionId: string, p: { q?: string; type?: string; tag?: string; subject?: string; level?: string; skip?: number; take?: number }) =>
    call(api.GET('/api/institutions/{institutionId}/questions', { params: { path: { institutionId }, query: p } })) as Promise<Page<QuestionSummary>>,
  tags: (institutionId: string) => call(api.GET('/api/institutions/{institutionId}/questions/tags', inBank(institutionId))),
  createQuestion: (institutionId: string, fields: QuestionFields) =>
    call(api.POST('/api/institutions/{institutionId}/questions', { ...inBank(institutionId), body: fields })) as Promise<QuestionDetail>,
  question: (id: string) => call(api.GET('/api/questions/{questionId}', onQuestion(id))) as Promise<QuestionDetail>,
  updateQuestion: (id: string, fields: QuestionFields) =>
    call(api.PUT('/api/questions/{questionId}', { ...onQuestion(id), body: fields })) as Promise<QuestionDetail>,
  deleteQuestion: (id: string) => call(api.DELETE('/api/questions/{questionId}', onQuestion(id))),
  // A file goes up as multipart form data, which the typed client does not describe: plain `request`.
  importQuestions: (institutionId: string, file: File, tags?: string) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<Schemas['ImportOutcome']>(`${bank(institutionId)}/import${query({ tags })}`, { method: 'POST', body: form });
  },
  /** QTI 2.1 (zip) by default; GIFT (Moodle's text format) in the reader's language for its notes. */
  exportUrl: (institutionId: string, ids?: string[], format?: 'qti' | 'gift', language?: string) =>
    `${bank(institutionId)}/export${query({ ids: ids?.join(','), format, language })}`,

  createQuiz: (courseId: string, moduleId: string, title: string, settings?: Partial<QuizSettings>) =>
    call(api.POST('/api/courses/{courseId}/modules/{moduleId}/quizzes', {
      params: { path: { courseId, moduleId } }, body: { title, settings: (settings ?? null) as Schemas['QuizSettings'] | null, definition: null },
    })),
  quiz: (id: string) => call(api.GET('/api/quizzes/{quizId}', onQuiz(id))) as Promise<QuizView>,
  updateQuiz: (id: string, title: string, settings: QuizSettings, definition: QuizDefinition) =>
    call(api.PUT('/api/quizzes/{quizId}', { ...onQuiz(id), body: { title, settings, definition } })) as Promise<QuizView>,
  start: (quizId: string, deviceId: string) =>
    call(api.POST('/api/quizzes/{quizId}/attempts', { ...onQuiz(quizId), body: { deviceId, clientNow: new Date().toISOString() } })) as Promise<AttemptView>,
  attempts: (quizId: string) => call(api.GET('/api/quizzes/{quizId}/attempts', onQuiz(quizId))),
  statistics: (quizId: string) => call(api.GET('/api/quizzes/{quizId}/statistics', onQuiz(quizId))),
  regrade: (quizId: string, questionId?: string) =>
    call(api.POST('/api/quizzes/{quizId}/regrade', { ...onQuiz(quizId), body: { questionId: questionId ?? null } })),
  answerOrderChanges: (quizId: string) => call(api.GET('/api/quizzes/{quizId}/answer-order', onQuiz(quizId))),
  regradeAnswerOrder: (quizId: string, attemptIds?: string[]) =>
    call(api.POST('/api/quizzes/{quizId}/answer-order/regrade', { ...onQuiz(quizId), body: { attemptIds: attemptIds ?? null } })),

  attempt: (id: string, deviceId: string) =>
    call(api.GET('/api/attempts/{attemptId}', {
      params: { path: { attemptId: id }, query: { deviceId, clientNow: new Date().toISOString() } },
    })) as Promise<AttemptView>,
  answer: (id: string, deviceId: string, answers: AnswerItem[], batch: BatchInfo) =>
    call(api.POST('/api/attempts/{attemptId}/answers', { ...onAttempt(id), body: { deviceId, answers, ...batch } })),
  flag: (id: string, deviceId: string, slot: number, flagged: boolean) =>
    call(api.POST('/api/attempts/{attemptId}/flags', { ...onAttempt(id), body: { deviceId, slot, flagged } })),
  events: (id: string, deviceId: string, events: { kind: string; at: string; detail?: string }[]) =>
    call(api.POST('/api/attempts/{attemptId}/events', {
      ...onAttempt(id), body: { deviceId, events: events.map((e) => ({ detail: null, ...e })) },
    })),
  submit: (id: string) => call(api.POST('/api/attempts/{attemptId}/submit', onAttempt(id))) as Promise<ReviewView>,
  review: (id: string) => call(api.GET('/api/attempts/{attemptId}/review', onAttempt(id))) as Promise<ReviewView>,
  timeline: (id: string) => call(api.GET('/api/attempts/{attemptId}/timeline', onAttempt(id))),
  gradeSlot: (id: string, slot: number, score: number, comment: string) =>
    call(api.POST('/api/attempts/{attemptId}/slots/{slot}/grade', { params: { path: { attemptId: id, slot } }, body: { score, comment } })) as Promise<ReviewView>,

  gradebook: (courseId: string) => call(api.GET('/api/courses/{courseId}/gradebook', inCourse(courseId))),
  gradingQueue: (courseId: string) => call(api.GET('/api/courses/{courseId}/grading-queue', inCourse(courseId))) as Promise<QueueItem[]>,
};
