import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MarkSheet } from '../../api/markBook';
import { markBookFeedApi, type MarkFeedOutcome } from '../../api/markBookFeed';
import { Field } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';

/**
 * The subject teacher's "feed from a quiz" control under the grid: link a regular column (tx1…) to a quiz of a course
 * given to the class, refresh it when more students have taken the quiz, or stop feeding it. Scores the teacher typed
 * over a fed cell are kept; the server says how many were filled, kept and still waiting.
 */
export function MarkBookFeed({ sheet, onChanged }: { sheet: MarkSheet; onChanged: () => void }) {
  const { t } = useTranslation();
  const ids = [sheet.yearId, sheet.classId, sheet.subjectId, sheet.termId] as const;
  const feeds = useLoad(() => markBookFeedApi.feeds(...ids), [...ids]);
  const regular = sheet.columns.filter((c) => c.startsWith('tx'));
  const [column, setColumn] = useState(regular[0] ?? '');
  const [quizId, setQuizId] = useState('');
  const [outcome, setOutcome] = useState<MarkFeedOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const columnName = (c: string) => t('schoolYear.marks.column.tx', { n: c.slice(2) });

  async function act(work: () => Promise<MarkFeedOutcome | null>) {
    setBusy(true);
    setError(null);
    try {
      setOutcome(await work());
      await feeds.reload();
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function link(event: FormEvent) {
    event.preventDefault();
    if (!quizId || !column) return;
    void act(() => markBookFeedApi.link(...ids, column, quizId));
  }

  const sources = feeds.data?.sources ?? [];
  return (
    <section className="card mark-feed" aria-labelledby="mark-feed-title" data-testid="mark-feed">
      <h2 id="mark-feed-title">{t('schoolYear.marks.feed.title')}</h2>
      <p className="muted">{t('schoolYear.marks.feed.how')}</p>
      {feeds.data && feeds.data.feeds.length > 0 && (
        <ul className="mark-feed-list">
          {feeds.data.feeds.map((f) => (
            <li key={f.columnKey} data-testid={`feed-${f.columnKey}`}>
              {t('schoolYear.marks.feed.linked', { column: columnName(f.columnKey), quiz: f.quizTitle })}{' '}
              <button type="button" className="btn btn-small" disabled={busy} data-testid={`feed-refresh-${f.columnKey}`}
                      onClick={() => void act(() => markBookFeedApi.refresh(...ids, f.columnKey))}>
                {t('schoolYear.marks.feed.refresh')}
              </button>{' '}
              <button type="button" className="btn btn-small" disabled={busy}
                      onClick={() => void act(async () => { await markBookFeedApi.unlink(...ids, f.columnKey); return null; })}>
                {t('schoolYear.marks.feed.unlink')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {feeds.data && sources.length === 0 && <p>{t('schoolYear.marks.feed.noQuiz')}</p>}
      {sources.length > 0 && (
        <form className="mark-feed-form" onSubmit={link}>
          <Field label={t('schoolYear.marks.feed.column')}>
            {(p) => (
              <select {...p} value={column} onChange={(e) => setColumn(e.target.value)} data-testid="feed-column">
                {regular.map((c) => <option key={c} value={c}>{columnName(c)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('schoolYear.marks.feed.quiz')}>
            {(p) => (
              <select {...p} value={quizId} onChange={(e) => setQuizId(e.target.value)} data-testid="feed-quiz">
                <option value="">{t('schoolYear.marks.feed.chooseQuiz')}</option>
                {sources.map((s) => <option key={s.quizId} value={s.quizId}>{s.title} ({s.courseTitle})</option>)}
              </select>
            )}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy || !quizId} data-testid="feed-link">
            {t('schoolYear.marks.feed.link')}
          </button>
        </form>
      )}
      {outcome && (
        <p role="status" data-testid="feed-outcome">{t('schoolYear.marks.feed.outcome', {
          filled: outcome.filled, kept: outcome.kept, waiting: outcome.waiting,
        })}</p>
      )}
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
    </section>
  );
}
