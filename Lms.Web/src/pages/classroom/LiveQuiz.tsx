// The live quiz in the room: its state (QuizState after each join, quiz.* events after that) on the
// classroom's own hub connection, and the teacher's or the student's view of it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as signalR from '@microsoft/signalr';
import type { QuizView, LiveQuizBucket } from '../../api/livequiz';
import { RoomError, type Connection, type Room, type RoomEvent, type RoomModel } from './room';
import { LiveQuizPanel } from './LiveQuizPanel';
import { LiveQuizStudent } from './LiveQuizStudent';
import { plain } from '../assessment/Rich';
import './livequiz.css';

export interface QuizHandle {
  view: QuizView | null;
  /** Server time now (ms), from the offset measured on the last state or event. */
  serverNow: () => number;
  /** Sends a command once (a command id per intent); resolves to an error code or null. */
  send: (method: string, ...args: unknown[]) => Promise<string | null>;
  update: (change: (v: QuizView) => QuizView) => void;
}

const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

/** Applies one quiz event to the view (each is a plain setting of state, so one applied twice changes nothing). */
export function applyQuizEvent(v: QuizView, type: string, d: any, teacher: boolean): QuizView {
  const current = v.question?.launch.launchId;
  switch (type) {
    case 'quiz.launched':
      return {
        ...v, stage: 'question', questions: d.position, leaderboard: null, mine: null,
        question: { launch: d, closed: false, closedAt: null, answered: teacher ? 0 : null, distribution: teacher ? [] : null, results: null },
      };
    case 'quiz.tally':
      return v.question && current === d.launchId
        ? { ...v, inRoom: d.inRoom, question: { ...v.question, answered: d.answered, distribution: d.distribution } } : v;
    case 'quiz.closed':
      return v.question && current === d.launchId
        ? { ...v, stage: v.stage === 'question' ? 'closed' : v.stage, question: { ...v.question, closed: true, closedAt: d.closedAt, answered: d.answered } }
        : v;
    case 'quiz.results':
      return v.question && current === d.launchId
        ? { ...v, stage: 'results', question: { ...v.question, closed: true, answered: d.answered, results: d } } : v;
    case 'quiz.leaderboard':
      return { ...v, stage: 'leaderboard', leaderboard: d };
    case 'quiz.cleared':
      return { ...v, stage: 'idle' };
    default:
      return v;
  }
}

/**
 * The quiz's state for this connection. After every (re)join it asks the grain for the whole state
 * (QuizState, with the number of the last quiz event it reflects); quiz.* events newer than that are
 * applied as they come. A student asks again after results and the leaderboard, for their own points.
 */
export function useLiveQuiz(room: Room | null, sessionId: string, connection: Connection, runId: string | null, teacher: boolean): QuizHandle {
  const [view, setView] = useState<QuizView | null>(null);
  const lastSeq = useRef(0);
  const offset = useRef(0);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    if (!room) return;
    const mine = ++generation.current;
    for (let attempt = 0; attempt < 60 && mine === generation.current; attempt++) {
      try {
        if (room.connection.state === signalR.HubConnectionState.Connected) {
          const v = JSON.parse(await room.connection.invoke<string>('QuizState', sessionId)) as QuizView;
          // Not in the room on this connection yet (just reconnected, the join is on its way), or an
          // event newer than this state has arrived meanwhile: ask again (a few times for the latter).
          if (v.joined && (v.seq >= lastSeq.current || attempt >= 3) && mine === generation.current) {
            lastSeq.current = Math.max(lastSeq.current, v.seq);
            if (v.serverNow) offset.current = Date.parse(v.serverNow) - Date.now();
            setView(v);
            return;
          }
        }
      } catch {
        // not joined on this connection yet
      }
      await sleep(Math.min(3000, 250 * (attempt + 1)));
    }
  }, [room, sessionId]);

  useEffect(() => {
    if (!room) return;
    const handler = (e: RoomEvent) => {
      if (!e.type.startsWith('quiz.') || e.seq <= lastSeq.current) return;
      lastSeq.current = e.seq;
      offset.current = Date.parse(e.at) - Date.now();
      const d = JSON.parse(e.data);
      setView((v) => (v ? applyQuizEvent(v, e.type, d, teacher) : v));
      // A student's own points and rank are in the state, not in the room's events (spread over half a second).
      if (!teacher && (e.type === 'quiz.results' || e.type === 'quiz.leaderboard'))
        window.setTimeout(() => void refresh(), Math.random() * 500);
    };
    room.connection.on('event', handler);
    return () => room.connection.off('event', handler);
  }, [room, teacher, refresh]);

  // After each (re)connection and whenever the session is held again.
  useEffect(() => {
    if (connection === 'connected') void refresh();
  }, [connection, runId, refresh]);
  useEffect(() => () => { generation.current++; }, []);

  const send = useCallback(async (method: string, ...args: unknown[]) => {
    if (!room) return 'network';
    try {
      await room.command(method, ...args);
      return null;
    } catch (e) {
      return e instanceof RoomError ? e.code : 'network';
    }
  }, [room]);

  const update = useCallback((change: (v: QuizView) => QuizView) => setView((v) => (v ? change(v) : v)), []);
  const serverNow = useCallback(() => Date.now() + offset.current, []);
  return { view, serverNow, send, update };
}

/** The live quiz in the room: the teacher's panel, or what a student sees. */
export function LiveQuiz({ room, sessionId, model, connection }: { room: Room | null; sessionId: string; model: RoomModel; connection: Connection }) {
  const teacher = model.me.role === 'teacher';
  const quiz = useLiveQuiz(room, sessionId, connection, model.runId, teacher);
  return teacher
    ? <LiveQuizPanel sessionId={sessionId} model={model} quiz={quiz} />
    : <LiveQuizStudent quiz={quiz} meId={model.me.userId} connection={connection} />;
}

/** Seconds left until a deadline on the server's clock (null without one), ticking. */
export function useCountdown(deadlineAt: string | null | undefined, serverNow: () => number, running: boolean): number | null {
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    if (!deadlineAt || !running) return;
    setNow(serverNow());
    const timer = window.setInterval(() => setNow(serverNow()), 250);
    return () => window.clearInterval(timer);
  }, [deadlineAt, running, serverNow]);
  if (!deadlineAt) return null;
  return Math.max(0, Math.ceil((Date.parse(deadlineAt) - now) / 1000));
}

export function Countdown({ seconds, total }: { seconds: number | null; total: number | null }) {
  const { t } = useTranslation();
  if (seconds === null || !total) return <span className="badge">{t('liveQuiz.noLimit')}</span>;
  return (
    <span className={seconds <= 5 ? 'lq-countdown lq-countdown-low' : 'lq-countdown'} role="timer" aria-live="off"
          aria-label={t('liveQuiz.secondsLeft', { count: seconds })} data-testid="live-quiz-countdown" data-seconds={seconds}>
      <span className="lq-countdown-bar" style={{ width: `${Math.min(100, (seconds * 100) / total)}%` }} />
      <span className="lq-countdown-text">{seconds}s</span>
    </span>
  );
}

/** One bar per option (or right / partly / wrong): how the class answered. */
export function Distribution({ buckets, answered, showRight }: { buckets: LiveQuizBucket[]; answered: number; showRight: boolean }) {
  const { t } = useTranslation();
  const label = (b: LiveQuizBucket) => {
    if (b.key === 'true') return t('attempt.true');
    if (b.key === 'false') return t('attempt.false');
    if (b.key === 'correct' || b.key === 'partial' || b.key === 'wrong') return t(`liveQuiz.bucket.${b.key}`);
    return plain(b.label);
  };
  return (
    <ul className="live-tally lq-distribution" data-testid="live-quiz-distribution" aria-label={t('liveQuiz.distribution')}>
      {buckets.map((b) => {
        const percent = answered ? Math.round((b.count * 100) / answered) : 0;
        return (
          <li key={b.key} className={showRight && b.right ? 'lq-right' : undefined} data-testid="live-quiz-bucket" data-count={b.count}>
            <span>{showRight && b.right && <span aria-label={t('liveQuiz.rightOption')}>✓ </span>}{label(b)}</span>
            <span className="live-tally-bar"><span style={{ width: `${percent}%` }} /></span>
            <strong>{b.count}</strong>
          </li>
        );
      })}
    </ul>
  );
}

export function quizErrorText(t: (key: string, options?: Record<string, unknown>) => string, code: string): string {
  return t(`liveQuiz.error.${code}`, { defaultValue: t(`live.error.${code}`, { defaultValue: t('live.error.unknown') }) });
}
