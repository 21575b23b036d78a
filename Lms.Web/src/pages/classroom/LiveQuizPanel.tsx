// The teacher's live quiz: pick bank questions (search, tag, type), launch one at a time, watch the
// answers arrive, close, show the results and the leaderboard to the room; the records after the class.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { questionTypes } from '../../api/assessment';
import { liveQuizApi } from '../../api/livequiz';
import { ErrorMessage, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { Rich } from '../assessment/Rich';
import { Countdown, Distribution, LeaderboardList, quizErrorText, useCountdown } from './liveQuizParts';
import type { QuizHandle } from './useLiveQuiz';
import { LiveQuizRecords } from './LiveQuizRecords';
import type { Room, RoomModel } from './room';

const LIMITS = [0, 10, 20, 30, 45, 60, 90, 120, 180];
const PAGE = 10;

export function LiveQuizPanel({ sessionId, model, quiz }: { sessionId: string; model: RoomModel; quiz: QuizHandle }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const live = model.status === 'live';
  const view = quiz.view;

  async function act(command: (room: Room) => Promise<void>) {
    setBusy(true);
    setError(null);
    const code = await quiz.send(command);
    if (code) setError(code);
    setBusy(false);
    return code === null;
  }

  if (model.status === 'ended') {
    if (!model.runId) return null;
    return (
      <section className="card live-quiz" aria-label={t('liveQuiz.records')} data-testid="live-quiz-teacher">
        <LiveQuizRecords sessionId={sessionId} runId={model.runId} />
      </section>
    );
  }
  if (!live) return null;

  const q = view?.question;
  const showing = view && view.stage !== 'idle' && q;
  return (
    <section className="card live-quiz" aria-labelledby="live-quiz-title" data-testid="live-quiz-teacher">
      <h2 id="live-quiz-title" className="lq-title">🏆 {t('liveQuiz.title')}</h2>
      {error && <p className="alert alert-error" role="alert" data-testid="live-quiz-error">{quizErrorText(t, error)}</p>}
      {!view ? <Loading /> : (
        <>
          {showing && (
            <Current quiz={quiz} busy={busy} act={act} />
          )}
          {view.stage === 'leaderboard' && view.leaderboard && <LeaderboardList board={view.leaderboard} />}
          <BankPicker sessionId={sessionId} busy={busy}
                      onLaunch={(id, limit, bonus) => act((r) => r.launchQuizQuestion(id, limit || null, bonus && limit > 0))} />
        </>
      )}
    </section>
  );
}

function Current({ quiz, busy, act }: { quiz: QuizHandle; busy: boolean; act: (command: (room: Room) => Promise<void>) => Promise<boolean> }) {
  const { t } = useTranslation();
  const view = quiz.view!;
  const q = view.question!;
  const launch = q.launch;
  const open = !q.closed;
  const seconds = useCountdown(launch.deadlineAt, quiz.serverNow, open);
  const answered = q.answered ?? 0;
  const buckets = q.results?.distribution ?? q.distribution ?? [];
  return (
    <div className="lq-current" data-testid="live-quiz-current" data-stage={view.stage}>
      <div className="lq-head">
        <strong>{t('liveQuiz.questionN', { n: launch.position })}</strong>
        {open ? <Countdown seconds={seconds} total={launch.timeLimitSeconds} />
          : <span className="badge">{t('liveQuiz.closed')}</span>}
      </div>
      <Rich html={launch.question.stem} className="question-stem" />
      <p className="lq-answered" role="status" aria-live="polite" data-testid="live-quiz-answered" data-answered={answered}>
        {t('liveQuiz.answeredOf', { count: answered, total: view.inRoom ?? 0 })}
      </p>
      {buckets.length > 0 && <Distribution buckets={buckets} answered={answered} showRight />}
      {q.results && (
        <p className="small" data-testid="live-quiz-summary">
          {t('liveQuiz.rightAnswer')}: <strong>{q.results.rightAnswer}</strong>{' · '}
          {t('liveQuiz.correctOf', { count: q.results.correct, total: q.results.answered })}{' · '}
          {t('liveQuiz.averagePoints', { points: q.results.averagePoints })}
        </p>
      )}
      <div className="actions lq-actions">
        {open && <button type="button" className="btn" disabled={busy} onClick={() => void act((r) => r.closeQuizQuestion())} data-testid="live-quiz-close">
          ⏹ {t('liveQuiz.close')}</button>}
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act((r) => r.revealQuizResults())} data-testid="live-quiz-reveal">
          📊 {t('liveQuiz.showResults')}</button>
        <button type="button" className="btn" disabled={busy} onClick={() => void act((r) => r.showQuizLeaderboard())} data-testid="live-quiz-show-leaderboard">
          🏆 {t('liveQuiz.showLeaderboard')}</button>
        <button type="button" className="btn btn-quiet" disabled={busy} onClick={() => void act((r) => r.clearQuiz())} data-testid="live-quiz-clear">
          {t('liveQuiz.hide')}</button>
      </div>
    </div>
  );
}

function BankPicker({ sessionId, busy, onLaunch }: {
  sessionId: string; busy: boolean; onLaunch: (questionId: string, limit: number, bonus: boolean) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [tag, setTag] = useState('');
  const [type, setType] = useState('');
  const [filters, setFilters] = useState({ q: '', tag: '', type: '' });
  const [skip, setSkip] = useState(0);
  const [limit, setLimit] = useState(30);
  const [bonus, setBonus] = useState(true);
  const [preview, setPreview] = useState<string | null>(null);
  const [used, setUsed] = useState<string[]>([]);
  const [open, setOpen] = useState(true);
  const page = useLoad(() => liveQuizApi.bank(sessionId, { ...filters, skip, take: PAGE }), [sessionId, filters, skip]);
  const tags = useLoad(() => liveQuizApi.tags(sessionId), [sessionId]);

  function search(e: FormEvent) {
    e.preventDefault();
    setSkip(0);
    setFilters({ q: text.trim(), tag, type });
  }

  return (
    <details className="lq-bank" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="live-quiz-bank">
      <summary>{t('liveQuiz.bank')}</summary>
      <form className="lq-filters" onSubmit={search} role="search" aria-label={t('liveQuiz.searchBank')}>
        <label className="field"><span>{t('liveQuiz.search')}</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} data-testid="live-quiz-search" /></label>
        <label className="field"><span>{t('liveQuiz.tag')}</span>
          <select value={tag} onChange={(e) => { setTag(e.target.value); setSkip(0); setFilters({ q: text.trim(), tag: e.target.value, type }); }}
                  data-testid="live-quiz-tag">
            <option value="">{t('liveQuiz.allTags')}</option>
            {(tags.data ?? []).map((x) => <option key={x} value={x}>{x}</option>)}
          </select></label>
        <label className="field"><span>{t('liveQuiz.type')}</span>
          <select value={type} onChange={(e) => { setType(e.target.value); setSkip(0); setFilters({ q: text.trim(), tag, type: e.target.value }); }}>
            <option value="">{t('liveQuiz.allTypes')}</option>
            {questionTypes.filter((x) => x !== 'essay').map((x) => <option key={x} value={x}>{t(`questionType.${x}`)}</option>)}
          </select></label>
        <button type="submit" className="btn">{t('liveQuiz.searchButton')}</button>
      </form>
      <div className="lq-settings">
        <label className="field"><span>{t('liveQuiz.timeLimit')}</span>
          <select value={limit} onChange={(e) => setLimit(Number(e.target.value))} data-testid="live-quiz-limit">
            {LIMITS.map((s) => <option key={s} value={s}>{s === 0 ? t('liveQuiz.noLimit') : t('liveQuiz.seconds', { count: s })}</option>)}
          </select></label>
        <label className="live-toggle">
          <input type="checkbox" checked={bonus && limit > 0} disabled={limit === 0} onChange={(e) => setBonus(e.target.checked)} />
          <span>{t('liveQuiz.speedBonus')}</span>
        </label>
      </div>
      {!page.data ? (page.error ? <ErrorMessage error={page.error} onRetry={() => void page.reload()} /> : <Loading />) : (
        <>
          {page.data.items.length === 0 && <p className="muted small">{t('liveQuiz.noQuestions')}</p>}
          <ul className="lq-bank-list">
            {page.data.items.map((q) => {
              const essay = q.type === 'essay';
              return (
                <li key={q.id} data-testid="live-quiz-bank-item">
                  <div className="lq-bank-row">
                    <span className="lq-bank-title">
                      <strong>{q.title}</strong>
                      <span className="muted small"> · {t(`questionType.${q.type}`)}{q.tags.length > 0 && ` · ${q.tags.join(', ')}`}
                        {used.includes(q.id) && ` · ${t('liveQuiz.launchedAlready')}`}</span>
                    </span>
                    <span className="toolbar">
                      <button type="button" className="btn btn-small btn-quiet" aria-expanded={preview === q.id}
                              onClick={() => setPreview(preview === q.id ? null : q.id)}>{t('liveQuiz.preview')}</button>
                      <button type="button" className="btn btn-small btn-primary" disabled={busy || essay}
                              aria-label={t('liveQuiz.launchWho', { title: q.title })} data-testid="live-quiz-launch"
                              onClick={() => void onLaunch(q.id, limit, bonus).then((ok) => ok && setUsed((u) => [...u, q.id]))}>
                        ▶ {t('liveQuiz.launch')}</button>
                    </span>
                  </div>
                  {essay && <p className="muted small">{t('liveQuiz.essayNotLive')}</p>}
                  {preview === q.id && <Preview sessionId={sessionId} questionId={q.id} />}
                </li>
              );
            })}
          </ul>
          {page.data.total > PAGE && (
            <div className="actions">
              <button type="button" className="btn btn-small" disabled={skip === 0} onClick={() => setSkip(Math.max(0, skip - PAGE))}>
                ← {t('liveQuiz.previous')}</button>
              <span className="muted small">{t('liveQuiz.pageOf', { from: skip + 1, to: Math.min(skip + PAGE, page.data.total), total: page.data.total })}</span>
              <button type="button" className="btn btn-small" disabled={skip + PAGE >= page.data.total} onClick={() => setSkip(skip + PAGE)}>
                {t('liveQuiz.next')} →</button>
            </div>
          )}
        </>
      )}
    </details>
  );
}

function Preview({ sessionId, questionId }: { sessionId: string; questionId: string }) {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => liveQuizApi.preview(sessionId, questionId), [sessionId, questionId]);
  if (!data) return error ? <ErrorMessage error={error} /> : <Loading />;
  const q = data.question;
  return (
    <div className="lq-preview" data-testid="live-quiz-preview">
      <Rich html={q.stem} className="question-stem" />
      {q.choices && <ul className="small">{q.choices.map((c) => <li key={c.id}><Rich html={c.text} as="span" /></li>)}</ul>}
      {q.items && <ul className="small">{q.items.map((c) => <li key={c.id}><Rich html={c.text} as="span" /></li>)}</ul>}
      <p className="small">{t('liveQuiz.rightAnswer')}: <strong>{data.rightAnswer}</strong></p>
    </div>
  );
}
