import './assessment.css';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment, type EventRow, type QuizStatistics } from '../../api/assessment';
import { ErrorMessage, Loading, Notice, TabPanel, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';

/** A quiz's attempts (with each one's integrity timeline) and its statistics with charts. */
export function ResultsPage() {
  const { t } = useTranslation();
  const { quizId = '' } = useParams();
  const [tab, setTab] = useState<'attempts' | 'statistics'>('attempts');
  const quiz = useLoad(() => assessment.quiz(quizId), [quizId]);
  useTitle(quiz.data ? t('results.pageTitle', { title: quiz.data.title }) : undefined);
  if (!quiz.data) return <div className="page">{quiz.loading ? <Loading /> : <ErrorMessage error={quiz.error} />}</div>;
  return (
    <div className="page results-page">
      <p className="breadcrumb"><Link to={`/courses/${quiz.data.courseId}`}>← {quiz.data.courseTitle}</Link></p>
      <h1>{quiz.data.title}</h1>
      <Tabs label={t('results.tabs')} current={tab} onChange={setTab}
            tabs={[{ id: 'attempts', label: t('results.attempts') }, { id: 'statistics', label: t('results.statistics') }]} />
      <TabPanel id={tab}>{tab === 'attempts' ? <Attempts quizId={quizId} /> : <Statistics quizId={quizId} />}</TabPanel>
    </div>
  );
}

function Attempts({ quizId }: { quizId: string }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => assessment.attempts(quizId), [quizId]);
  const [open, setOpen] = useState<string | null>(null);
  const [regraded, setRegraded] = useState<number | null>(null);
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} />;
  return (
    <>
      <div className="actions">
        <button type="button" className="btn btn-small" onClick={async () => { setRegraded((await assessment.regrade(quizId)).attempts); await reload(); }}>{t('results.regrade')}</button>
      </div>
      {regraded !== null && <Notice>{t('results.regraded', { count: regraded })}</Notice>}
      <AnswerOrderChanges quizId={quizId} onRegraded={async (count) => { setRegraded(count); await reload(); }} />
      {data.length === 0 && <p className="muted">{t('results.none')}</p>}
      <ul className="attempt-list">
        {data.map((a) => (
          <li key={a.id} className="card" data-testid="attempt-row">
            <div className="attempt-row">
              <strong>{a.displayName}</strong>
              <span className="muted small">#{a.number} · {a.status === 'submitted' ? formatDateTime(a.submittedAt, i18n.language) : t('quiz.inProgress')}
                {a.submittedBy === 'deadline' && <> · {t('review.autoSubmitted')}</>}</span>
              <span>{a.score ?? '–'}/{a.maxScore}{a.needsGrading && <> · {t('review.needsGrading')}</>}</span>
              {a.events > 0 && <span className="badge badge-draft">{t('results.signals', { count: a.events })}</span>}
            </div>
            <div className="actions">
              <Link className="btn btn-small" to={`/attempts/${a.id}/review`}>{t('quiz.review')}</Link>
              <button type="button" className="btn btn-small" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>{t('results.timeline')}</button>
            </div>
            {open === a.id && <Timeline attemptId={a.id} />}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Submitted attempts graded on an answer that was not each question's last (the order fixed in issue 16), to regrade. */
function AnswerOrderChanges({ quizId, onRegraded }: { quizId: string; onRegraded: (count: number) => Promise<void> }) {
  const { t } = useTranslation();
  const { data, reload } = useLoad(() => assessment.answerOrderChanges(quizId), [quizId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!data || data.length === 0) return null;
  async function regrade() {
    setBusy(true);
    setError(null);
    try {
      const result = await assessment.regradeAnswerOrder(quizId, data!.map((c) => c.attemptId));
      await reload();
      await onRegraded(result.attempts);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" data-testid="answer-order" aria-labelledby="answer-order-title">
      <h2 id="answer-order-title">{t('results.order.title')}</h2>
      <p>{t('results.order.intro', { count: data.length })}</p>
      <ul>
        {data.map((c) => (
          <li key={c.attemptId} data-testid="answer-order-attempt">
            {t('results.order.attempt', { name: c.displayName, number: c.number, before: c.scoreBefore ?? '–', after: c.scoreAfter ?? '–' })}
            {' · '}{t('results.order.questions', { slots: c.slots.map((s) => s.slot).join(', ') })}
            {c.slots.some((s) => s.manual) && <> · {t('results.order.manual')}</>}
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => void regrade()} data-testid="answer-order-regrade">
        {t('results.order.regrade')}
      </button>
      {error != null && <ErrorMessage error={error} />}
    </section>
  );
}

function Timeline({ attemptId }: { attemptId: string }) {
  const { t, i18n } = useTranslation();
  const { data, error } = useLoad(() => assessment.timeline(attemptId), [attemptId]);
  if (!data) return error ? <ErrorMessage error={error} /> : <Loading />;
  return (
    <ol className="timeline" data-testid="timeline">
      {data.map((e: EventRow) => (
        <li key={e.id} className={`event event-${e.kind}`}>
          <time dateTime={e.at}>{new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { timeStyle: 'medium' }).format(new Date(e.at))}</time>{' '}
          <strong>{t(`event.${e.kind}`, { defaultValue: e.kind })}</strong>
          {e.detail && <span className="muted small"> · {e.detail}</span>}
        </li>
      ))}
    </ol>
  );
}

function Bar({ label, value, max, right }: { label: string; value: number; max: number; right?: boolean }) {
  const width = max > 0 ? Math.round((100 * value) / max) : 0;
  return (
    <div className="bar-row">
      <span className="bar-label">{label}</span>
      <span className="bar-track" aria-hidden="true"><span className={right ? 'bar-fill right' : 'bar-fill'} style={{ width: `${width}%` }} /></span>
      <span className="bar-value">{value}</span>
    </div>
  );
}

function Statistics({ quizId }: { quizId: string }) {
  const { t } = useTranslation();
  const { data, error, loading } = useLoad(() => assessment.statistics(quizId), [quizId]);
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} />;
  const s: QuizStatistics = data;
  const maxBin = Math.max(1, ...s.histogram.map((b) => b.count));
  return (
    <div className="statistics" data-testid="statistics">
      <p>{t('results.summary', { attempts: s.attempts, average: s.averageScorePercent ?? '–', median: s.medianPercent ?? '–' })}</p>
      <figure className="card chart" data-testid="histogram">
        <figcaption>{t('results.histogram')}</figcaption>
        <div className="histogram" role="img" aria-label={s.histogram.map((b) => `${b.from}–${b.to}%: ${b.count}`).join(', ')}>
          {s.histogram.map((b) => (
            <div key={b.from} className="hist-col">
              <span className="hist-bar" style={{ height: `${(100 * b.count) / maxBin}%` }} />
              <span className="hist-label">{b.from}</span>
            </div>
          ))}
        </div>
      </figure>
      <div className="table-scroll">
        <table className="table" data-testid="question-stats">
          <caption>{t('results.perQuestion')}</caption>
          <thead><tr><th>{t('results.question')}</th><th>{t('results.facility')}</th><th>{t('results.discrimination')}</th><th>{t('results.responses')}</th></tr></thead>
          <tbody>{s.questions.map((q) => (
            <tr key={q.questionId}><td>{q.title}</td><td>{q.facilityIndex ?? '–'}</td><td>{q.discriminationIndex ?? '–'}</td><td>{q.responses}</td></tr>
          ))}</tbody>
        </table>
      </div>
      {s.questions.map((q) => {
        const max = Math.max(1, ...q.distribution.map((d) => d.count));
        return (
          <figure key={q.questionId} className="card chart">
            <figcaption>{q.title}</figcaption>
            {q.distribution.map((d) => <Bar key={d.key} label={d.label === 'no-answer' ? t('results.noAnswer') : d.label === 'right' ? t('results.right') : d.label === 'partial-or-wrong' ? t('results.partialOrWrong') : d.label === 'true' ? t('attempt.true') : d.label === 'false' ? t('attempt.false') : d.label} value={d.count} max={max} right={d.right} />)}
          </figure>
        );
      })}
    </div>
  );
}
