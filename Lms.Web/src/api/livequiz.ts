// The live quiz in a classroom: the bank search and the records over REST; the quiz itself travels on
// the classroom's hub connection (LaunchQuizQuestion, AnswerQuiz, QuizState, … and quiz.* events).
// The REST shapes and paths come from the server's OpenAPI document (typed.ts). The hub's shapes (QuizView and the
// interfaces events.ts takes from here) are declared here: the hub is not in that document, and ClassroomWireTests
// checks their fields against the C# wire.
import { query } from './client';
import type { Page } from './lms';
import type { QuestionSummary, QuestionResponse, StudentQuestion } from './assessment';
import { api, call, type Schemas } from './typed';

export interface LiveQuizBucket { key: string; label: string; count: number; right: boolean }

export interface LiveQuizResults {
  launchId: string; position: number; type: string; answered: number; correct: number; averagePoints: number; averageTimeMs: number;
  rightAnswer: string; distribution: LiveQuizBucket[]; feedback: string | null;
}

export interface LiveQuizLaunch {
  launchId: string; position: number; timeLimitSeconds: number | null; speedBonus: boolean; launchedAt: string; deadlineAt: string | null;
  maxPoints: number; question: StudentQuestion;
}

export interface LeaderboardEntry { rank: number; userId: string; name: string; points: number; correct: number; answered: number }
export interface Leaderboard { afterPosition: number; questions: number; players: number; top: LeaderboardEntry[] }

export type QuizStage = 'idle' | 'question' | 'closed' | 'results' | 'leaderboard';

/** What QuizState answers (and the quiz.* events keep up to date). */
export interface QuizView {
  seq: number;
  joined: boolean;
  serverNow?: string;
  stage: QuizStage;
  runId?: string | null;
  questions?: number;
  question: {
    launch: LiveQuizLaunch; closed: boolean; closedAt: string | null; answered: number | null;
    distribution: LiveQuizBucket[] | null; results: LiveQuizResults | null;
  } | null;
  mine: {
    launchId: string; response: QuestionResponse; answeredAt: string; timeMs: number;
    fraction: number | null; points: number | null; correct: boolean | null;
  } | null;
  me: { points: number; correct: number; answered: number; rank: number | null; players: number } | null;
  leaderboard: Leaderboard | null;
  inRoom: number | null;
}

/** `question` is the student's view, which the server keeps as JSON it wrote (the document says only "JSON"). */
export type LiveQuizPreview = Omit<Schemas['LiveQuizPreview'], 'question'> & { question: StudentQuestion };
export type LiveQuizAnswerRecord = Schemas['LiveQuizAnswerView'];
export type LiveQuizQuestionRecord = Schemas['LiveQuizQuestionView'];
export type LiveQuizStanding = Schemas['LiveQuizStanding'];
export type LiveQuizRecord = Schemas['LiveQuizRecord'];

const s = (id: string) => `/api/classroom/sessions/${encodeURIComponent(id)}`;
const inSession = (sessionId: string) => ({ params: { path: { sessionId } } });

export const liveQuizApi = {
  bank: (sessionId: string, p: { q?: string; tag?: string; type?: string; skip?: number; take?: number }) =>
    call(api.GET('/api/classroom/sessions/{sessionId}/quiz/bank', { params: { path: { sessionId }, query: p } })) as Promise<Page<QuestionSummary>>,
  tags: (sessionId: string) => call(api.GET('/api/classroom/sessions/{sessionId}/quiz/bank/tags', inSession(sessionId))),
  preview: (sessionId: string, questionId: string) =>
    call(api.GET('/api/classroom/sessions/{sessionId}/quiz/bank/{questionId}', { params: { path: { sessionId, questionId } } })) as Promise<LiveQuizPreview>,
  record: (sessionId: string, runId: string) =>
    call(api.GET('/api/classroom/sessions/{sessionId}/runs/{runId}/quiz', { params: { path: { sessionId, runId } } })),
  csvUrl: (sessionId: string, runId: string) =>
    `${s(sessionId)}/runs/${encodeURIComponent(runId)}/quiz.csv${query({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone })}`,
};
