// What a student sees of the live quiz: the launched question over the room (full screen on a phone)
// with its countdown, their answer, whether it was right and their points, and the leaderboard.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuestionResponse } from '../../api/assessment';
import { QuestionInput } from '../assessment/QuestionInput';
import { Countdown, Distribution, LeaderboardList, quizErrorText, useCountdown } from './liveQuizParts';
import type { QuizHandle } from './useLiveQuiz';
import type { Connection } from './room';

function hasAnswer(r: QuestionResponse | null): boolean {
  if (!r) return false;
  return r.choice !== undefined || (r.choices?.length ?? 0) > 0 || r.value !== undefined || !!r.text?.trim()
    || Object.keys(r.pairs ?? {}).length > 0 || (r.order?.length ?? 0) > 0 || Object.values(r.blanks ?? {}).some((x) => x.trim());
}

export function LiveQuizStudent({ quiz, meId, connection }: { quiz: QuizHandle; meId: string; connection: Connection }) {
  const { t } = useTranslation();
  const view = quiz.view;
  const q = view?.question ?? null;
  const launchId = q?.launch.launchId ?? null;
  const [draft, setDraft] = useState<QuestionResponse | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = !!q && !q.closed && view?.stage === 'question';
  const seconds = useCountdown(q?.launch.deadlineAt, quiz.serverNow, open);
  const card = useRef<HTMLElement>(null);
  const stage = view?.stage ?? 'idle';

  // Results and the leaderboard appear below the video: bring them into view on a phone.
  useEffect(() => {
    if (stage === 'results' || stage === 'leaderboard') card.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [stage, launchId]);

  // A new question: start from the answer already given (after a reload), or from nothing.
  useEffect(() => {
    setDraft(view?.mine && view.mine.launchId === launchId ? view.mine.response : null);
    setError(null);
  }, [launchId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!view || view.stage === 'idle') return null;
  const mine = view.mine && view.mine.launchId === launchId ? view.mine : null;

  async function send() {
    if (!q || !draft) return;
    setSending(true);
    setError(null);
    const response = draft;
    const code = await quiz.send((r) => r.answerQuiz(q.launch.launchId, JSON.stringify(response)));
    setSending(false);
    if (code) {
      setError(code);
      return;
    }
    quiz.update((v) => ({
      ...v,
      mine: { launchId: q.launch.launchId, response, answeredAt: new Date(quiz.serverNow()).toISOString(), timeMs: 0, fraction: null, points: null, correct: null },
    }));
  }

  if (view.stage === 'leaderboard' && view.leaderboard) {
    return (
      <section ref={card} className="card live-quiz" data-testid="live-quiz-student" data-stage="leaderboard">
        <LeaderboardList board={view.leaderboard} meId={meId} />
        <MyStanding quiz={quiz} />
      </section>
    );
  }
  if (!q) return null;

  if (open) {
    const changed = JSON.stringify(draft) !== JSON.stringify(mine?.response ?? null);
    return (
      <section className="lq-overlay" role="dialog" aria-modal="false" aria-labelledby="lq-student-title" data-testid="live-quiz-student" data-stage="question">
        <div className="lq-overlay-inner">
          <div className="lq-head">
            <h2 id="lq-student-title" className="lq-title">{t('liveQuiz.questionN', { n: q.launch.position })}</h2>
            <Countdown seconds={seconds} total={q.launch.timeLimitSeconds} />
          </div>
          {/* The room's reconnecting banner is under this screen: say it here too (an answer sent meanwhile waits for the link). */}
          {connection !== 'connected' && <p className="live-connection" role="status" data-testid="live-quiz-connection">{t(`live.connection.${connection}`)}</p>}
          {q.launch.speedBonus && <p className="muted small">{t('liveQuiz.speedBonusNote', { points: q.launch.maxPoints })}</p>}
          <div data-testid="live-quiz-question">
            <QuestionInput question={q.launch.question} response={draft} onChange={(r) => setDraft(r)} />
          </div>
          {error && <p className="alert alert-error" role="alert" data-testid="live-quiz-error">{quizErrorText(t, error)}</p>}
          <div className="lq-send">
            <button type="button" className="btn btn-primary btn-block" disabled={sending || !hasAnswer(draft) || (!!mine && !changed)}
                    onClick={() => void send()} data-testid="live-quiz-submit">
              {sending ? t('liveQuiz.sending') : mine ? t('liveQuiz.change') : t('liveQuiz.submit')}
            </button>
            {mine && !changed && <p className="lq-sent" role="status" data-testid="live-quiz-sent">✓ {t('liveQuiz.sent')}</p>}
          </div>
        </div>
      </section>
    );
  }

  // Closed, then the results.
  const results = view.stage === 'results' ? q.results : null;
  return (
    <section ref={card} className="card live-quiz" data-testid="live-quiz-student" data-stage={view.stage}>
      <h2 className="lq-title">{t('liveQuiz.questionN', { n: q.launch.position })}</h2>
      {!results ? (
        <p role="status" data-testid="live-quiz-waiting">
          {mine ? t('liveQuiz.closedAnswered') : t('liveQuiz.closedNoAnswer')} {t('liveQuiz.waitResults')}
        </p>
      ) : (
        <>
          <Verdict quiz={quiz} answered={!!mine} />
          <p className="small">{t('liveQuiz.rightAnswer')}: <strong data-testid="live-quiz-right-answer">{results.rightAnswer}</strong></p>
          <Distribution buckets={results.distribution} answered={results.answered} showRight />
          {results.feedback && <p className="muted small">{results.feedback}</p>}
          <MyStanding quiz={quiz} />
        </>
      )}
    </section>
  );
}

function Verdict({ quiz, answered }: { quiz: QuizHandle; answered: boolean }) {
  const { t } = useTranslation();
  const mine = quiz.view?.mine;
  if (!answered) return <p className="lq-verdict lq-none" role="status" data-testid="live-quiz-verdict" data-correct="none">{t('liveQuiz.noAnswer')}</p>;
  if (!mine || mine.correct === null) return <p className="muted" role="status">{t('liveQuiz.grading')}</p>;
  const partial = !mine.correct && (mine.fraction ?? 0) > 0;
  return (
    <div className={mine.correct ? 'lq-verdict lq-correct' : partial ? 'lq-verdict lq-partial' : 'lq-verdict lq-wrong'} role="status"
         data-testid="live-quiz-verdict" data-correct={String(mine.correct)}>
      <strong>{mine.correct ? `✓ ${t('liveQuiz.correct')}` : partial ? `◐ ${t('liveQuiz.partial')}` : `✗ ${t('liveQuiz.wrong')}`}</strong>
      <span data-testid="live-quiz-points" data-points={mine.points ?? 0}>+{t('liveQuiz.points', { count: mine.points ?? 0 })}</span>
    </div>
  );
}

function MyStanding({ quiz }: { quiz: QuizHandle }) {
  const { t } = useTranslation();
  const me = quiz.view?.me;
  if (!me) return null;
  return (
    <p className="lq-me-line" data-testid="live-quiz-my-rank" data-rank={me.rank ?? ''} data-points={me.points}>
      {me.rank
        ? t('liveQuiz.myRank', { rank: me.rank, players: me.players, points: me.points })
        : t('liveQuiz.myPoints', { points: me.points })}
    </p>
  );
}
