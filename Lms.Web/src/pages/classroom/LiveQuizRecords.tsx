// A run's live quiz as kept after the class (teachers): the final leaderboard, each question with how
// the class answered and every student's answer, and the CSV of all answers.
import { useTranslation } from 'react-i18next';
import { liveQuizApi } from '../../api/livequiz';
import { ErrorMessage, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatTime } from '../../format';
import { Rich } from '../assessment/Rich';
import './livequiz.css';

export function LiveQuizRecords({ sessionId, runId }: { sessionId: string; runId: string }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => liveQuizApi.record(sessionId, runId), [sessionId, runId]);
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />;
  if (data.questions.length === 0) return null;
  const seconds = (ms: number) => (ms / 1000).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
  return (
    <section className="lq-records" aria-label={t('liveQuiz.records')} data-testid="live-quiz-records">
      <h3>🏆 {t('liveQuiz.records')}</h3>
      <p className="muted small">
        {t('liveQuiz.recordsSummary', { count: data.questions.length, players: data.leaderboard.length })}{' · '}
        <a href={liveQuizApi.csvUrl(sessionId, runId)} download data-testid="live-quiz-csv">{t('liveQuiz.csv')}</a>
      </p>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">{t('liveQuiz.leaderboard')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('liveQuiz.student')}</th>
              <th scope="col">{t('liveQuiz.correctColumn')}</th>
              <th scope="col">{t('liveQuiz.pointsColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {data.leaderboard.map((s) => (
              <tr key={s.userId} data-testid="live-quiz-record-standing">
                <td>{s.rank}</td>
                <td>{s.displayName}</td>
                <td>{s.correct}/{data.questions.length}</td>
                <td>{s.points}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.questions.map((q) => (
        <details key={q.launchId} className="lq-record-question" data-testid="live-quiz-record-question">
          <summary>
            {t('liveQuiz.questionN', { n: q.position })} · {q.title}
            <span className="muted small"> · {formatTime(q.launchedAt, i18n.language)} · {t('liveQuiz.correctOf', { count: q.results.correct, total: q.results.answered })}</span>
          </summary>
          <Rich html={q.stem} className="question-stem" />
          <p className="small">{t('liveQuiz.rightAnswer')}: <strong>{q.results.rightAnswer}</strong></p>
          {q.answers.length === 0 ? <p className="muted small">{t('liveQuiz.noAnswers')}</p> : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('liveQuiz.student')}</th>
                    <th scope="col">{t('liveQuiz.answer')}</th>
                    <th scope="col">{t('liveQuiz.pointsColumn')}</th>
                    <th scope="col">{t('liveQuiz.secondsColumn')}</th>
                  </tr>
                </thead>
                <tbody>
                  {q.answers.map((a) => (
                    <tr key={a.userId} data-testid="live-quiz-record-answer">
                      <td>{a.displayName}</td>
                      <td>{a.correct ? '✓' : a.fraction > 0 ? '◐' : '✗'} {a.answer}</td>
                      <td>{a.points}</td>
                      <td>{seconds(a.timeMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </details>
      ))}
    </section>
  );
}
