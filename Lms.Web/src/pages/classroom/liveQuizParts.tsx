// Pieces both the teacher's and the students' live quiz show: the countdown, how the class answered,
// the leaderboard, and an error's text.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Leaderboard, LiveQuizBucket } from '../../api/livequiz';
import { plain } from '../assessment/Rich';

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

export function LeaderboardList({ board, meId }: { board: Leaderboard; meId?: string }) {
  const { t } = useTranslation();
  return (
    <section className="lq-leaderboard" aria-label={t('liveQuiz.leaderboard')} data-testid="live-quiz-leaderboard">
      <h3>🏆 {t('liveQuiz.leaderboardAfter', { count: board.questions })}</h3>
      {board.top.length === 0 ? <p className="muted small">{t('liveQuiz.noPlayers')}</p> : (
        <ol className="lq-board">
          {board.top.map((s) => (
            <li key={s.userId} className={s.userId === meId ? 'lq-me' : undefined} data-testid="live-quiz-leader" data-points={s.points}>
              <span className="lq-rank">{s.rank}</span>
              <span className="lq-name">
                <span className="lq-name-text">{s.name}</span>
                <span className="muted small">{t('liveQuiz.correctShort', { correct: s.correct, answered: s.answered })}</span>
              </span>
              <strong>{t('liveQuiz.points', { count: s.points })}</strong>
            </li>
          ))}
        </ol>
      )}
      {board.players > board.top.length && <p className="muted small">{t('liveQuiz.morePlayers', { count: board.players - board.top.length })}</p>}
    </section>
  );
}
