// The live quiz in a classroom: the bank search and the records over REST; the quiz itself travels on
// the classroom's hub connection (LaunchQuizQuestion, AnswerQuiz, QuizState, … and quiz.* events).
import { query, request } from './client';
import type { Page } from './lms';
import type { QuestionSummary, QuestionResponse, StudentQuestion } from './assessment';

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

export interface LiveQuizPreview { summary: QuestionSummary; question: StudentQuestion; rightAnswer: string; gradable: boolean }

export interface LiveQuizAnswerRecord {
  userId: string; displayName: string; answer: string; fraction: number; correct: boolean; points: number; timeMs: number; answeredAt: string;
}

export interface LiveQuizQuestionRecord {
  launchId: string; position: number; questionId: string; version: number; title: string; type: string; stem: string;
  timeLimitSeconds: number | null; speedBonus: boolean; launchedAt: string; closedAt: string | null; results: LiveQuizResults;
  answers: LiveQuizAnswerRecord[];
}

export interface LiveQuizStanding { rank: number; userId: string; displayName: string; points: number; correct: number; answered: number; timeMs: number }

export interface LiveQuizRecord {
  runId: string; startedAt: string; endedAt: string | null; questions: LiveQuizQuestionRecord[]; leaderboard: LiveQuizStanding[];
}

const s = (id: string) => `/api/classroom/sessions/${encodeURIComponent(id)}`;

export const liveQuizApi = {
  bank: (sessionId: string, p: { q?: string; tag?: string; type?: string; skip?: number; take?: number }) =>
    request<Page<QuestionSummary>>(`${s(sessionId)}/quiz/bank${query(p)}`),
  tags: (sessionId: string) => request<string[]>(`${s(sessionId)}/quiz/bank/tags`),
  preview: (sessionId: string, questionId: string) => request<LiveQuizPreview>(`${s(sessionId)}/quiz/bank/${encodeURIComponent(questionId)}`),
  record: (sessionId: string, runId: string) => request<LiveQuizRecord>(`${s(sessionId)}/runs/${encodeURIComponent(runId)}/quiz`),
  csvUrl: (sessionId: string, runId: string) =>
    `${s(sessionId)}/runs/${encodeURIComponent(runId)}/quiz.csv${query({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone })}`,
};
