import './assessment.css';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { assessment, type QuestionSummary, type QuizDefinition, type QuizSettings, type QuizView, type SlotSpec } from '../../api/assessment';
import { ErrorMessage, Loading, Notice, useTitle } from '../../components/common';
import { DateTimeField } from '../../components/DateField';

function toLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const fromLocal = (value: string) => (value ? new Date(value).toISOString() : null);

/** Title, settings and sections of a quiz: fixed questions picked from the bank and random draws by tags and difficulty. */
export function QuizBuilderPage() {
  const { t } = useTranslation();
  const { quizId = '' } = useParams();
  const [quiz, setQuiz] = useState<QuizView | null>(null);
  const [title, setTitle] = useState('');
  const [settings, setSettings] = useState<QuizSettings | null>(null);
  const [definition, setDefinition] = useState<QuizDefinition>({ sections: [] });
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<QuestionSummary[] | null>(null);
  const [target, setTarget] = useState(0);
  const [draw, setDraw] = useState({ tags: '', min: '', max: '', count: 1, points: 1 });
  useTitle(quiz ? t('builder.pageTitle', { title: quiz.title }) : undefined);

  function adopt(q: QuizView) {
    setQuiz(q);
    setTitle(q.title);
    setSettings(q.settings);
    const sections = (q.sections ?? []).map((s) => ({ title: s.title, items: s.items.map((i) => i.spec) }));
    setDefinition({ sections: sections.length ? sections : [{ title: '', items: [] }] });
    const names: Record<string, string> = {};
    for (const s of q.sections ?? []) for (const i of s.items) if (i.spec.questionId && i.questionTitle) names[i.spec.questionId] = i.questionTitle;
    setTitles((x) => ({ ...x, ...names }));
  }

  useEffect(() => { assessment.quiz(quizId).then(adopt).catch(setError); }, [quizId]);

  if (!quiz || !settings) return <div className="page">{error ? <ErrorMessage error={error} /> : <Loading />}</div>;
  const s = settings;
  const setS = (x: Partial<QuizSettings>) => setSettings({ ...s, ...x });
  const addItem = (item: SlotSpec) => setDefinition({
    sections: definition.sections.map((sec, i) => (i === target ? { ...sec, items: [...sec.items, item] } : sec)),
  });

  async function save(event?: FormEvent) {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      adopt(await assessment.updateQuiz(quizId, title.trim(), s, definition));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function find(event: FormEvent) {
    event.preventDefault();
    const page = await assessment.searchQuestions(quiz!.institutionId, { q: search, take: 20 });
    setFound(page.items);
  }

  return (
    <div className="page quiz-builder">
      <p className="breadcrumb"><Link to={`/courses/${quiz.courseId}/edit`}>← {quiz.courseTitle}</Link></p>
      <h1>{t('builder.title')}</h1>
      <form className="card form" onSubmit={save} noValidate data-testid="quiz-settings">
        <div className="field"><label htmlFor="qb-title">{t('quiz.title')}</label>
          <input id="qb-title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} /></div>
        <div className="field"><label htmlFor="qb-desc">{t('builder.description')}</label>
          <textarea id="qb-desc" rows={2} value={s.description ?? ''} onChange={(e) => setS({ description: e.target.value || null })} /></div>
        <div className="grid-2">
          <div className="field"><label htmlFor="qb-open">{t('builder.openAt')}</label>
            <DateTimeField id="qb-open" value={toLocal(s.openAt)} onChange={(local) => setS({ openAt: fromLocal(local) })} /></div>
          <div className="field"><label htmlFor="qb-close">{t('builder.closeAt')}</label>
            <DateTimeField id="qb-close" value={toLocal(s.closeAt)} onChange={(local) => setS({ closeAt: fromLocal(local) })} /></div>
          <div className="field"><label htmlFor="qb-limit">{t('builder.timeLimit')}</label>
            <input id="qb-limit" type="number" min={0} step="0.5" value={s.timeLimitSeconds ? s.timeLimitSeconds / 60 : ''}
                   onChange={(e) => setS({ timeLimitSeconds: e.target.value ? Math.round(Number(e.target.value) * 60) : null })} /></div>
          <div className="field"><label htmlFor="qb-attempts">{t('builder.attempts')}</label>
            <input id="qb-attempts" type="number" min={0} max={100} value={s.attemptsAllowed} onChange={(e) => setS({ attemptsAllowed: Number(e.target.value) })} /></div>
          <div className="field"><label htmlFor="qb-method">{t('builder.method')}</label>
            <select id="qb-method" value={s.gradingMethod} onChange={(e) => setS({ gradingMethod: e.target.value as QuizSettings['gradingMethod'] })}>
              {(['highest', 'last', 'average'] as const).map((m) => <option key={m} value={m}>{t(`quiz.method.${m}`)}</option>)}
            </select></div>
          <div className="field"><label htmlFor="qb-pass">{t('builder.passMark')}</label>
            <input id="qb-pass" type="number" min={0} max={100} value={s.passMark} onChange={(e) => setS({ passMark: Number(e.target.value) })} /></div>
          <div className="field"><label htmlFor="qb-layout">{t('builder.layout')}</label>
            <select id="qb-layout" value={s.layout} onChange={(e) => setS({ layout: e.target.value as 'one' | 'all' })}>
              <option value="one">{t('builder.layoutOne')}</option><option value="all">{t('builder.layoutAll')}</option>
            </select></div>
          <div className="field"><label htmlFor="qb-rs">{t('builder.reviewScores')}</label>
            <select id="qb-rs" value={s.reviewScores} onChange={(e) => setS({ reviewScores: e.target.value as QuizSettings['reviewScores'] })}>
              {(['immediately', 'after_close', 'never'] as const).map((m) => <option key={m} value={m}>{t(`builder.when.${m}`)}</option>)}
            </select></div>
          <div className="field"><label htmlFor="qb-ra">{t('builder.reviewAnswers')}</label>
            <select id="qb-ra" value={s.reviewAnswers} onChange={(e) => setS({ reviewAnswers: e.target.value as QuizSettings['reviewAnswers'] })}>
              {(['immediately', 'after_close', 'never'] as const).map((m) => <option key={m} value={m}>{t(`builder.when.${m}`)}</option>)}
            </select></div>
        </div>
        <label className="check"><input type="checkbox" checked={s.shuffleQuestions} onChange={(e) => setS({ shuffleQuestions: e.target.checked })} /> {t('builder.shuffleQuestions')}</label>
        <label className="check"><input type="checkbox" checked={s.shuffleOptions} onChange={(e) => setS({ shuffleOptions: e.target.checked })} /> {t('builder.shuffleOptions')}</label>
        <label className="check"><input type="checkbox" checked={s.requireFullScreen} onChange={(e) => setS({ requireFullScreen: e.target.checked })} /> {t('builder.fullScreen')}</label>

        <h2>{t('builder.sections')}</h2>
        {definition.sections.map((sec, si) => (
          <section key={si} className="builder-section" aria-label={t('builder.section', { n: si + 1 })}>
            <div className="field"><label htmlFor={`qb-sec-${si}`}>{t('builder.sectionTitle', { n: si + 1 })}</label>
              <input id={`qb-sec-${si}`} value={sec.title} onChange={(e) => setDefinition({ sections: definition.sections.map((x, k) => (k === si ? { ...x, title: e.target.value } : x)) })} /></div>
            <ol className="builder-items">
              {sec.items.map((it, ii) => (
                <li key={ii} className="builder-item" data-testid="builder-item">
                  <span>{it.kind === 'fixed' ? (titles[it.questionId ?? ''] ?? it.questionId) : t('builder.randomSummary', { count: it.count ?? 1, tags: (it.tags ?? []).join(', ') })}</span>
                  <input aria-label={t('builder.points')} type="number" min={0.5} step={0.5} className="narrow" value={it.points}
                         onChange={(e) => setDefinition({ sections: definition.sections.map((x, k) => (k === si ? { ...x, items: x.items.map((y, j) => (j === ii ? { ...y, points: Number(e.target.value) } : y)) } : x)) })} />
                  <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => setDefinition({ sections: definition.sections.map((x, k) => (k === si ? { ...x, items: x.items.filter((_, j) => j !== ii) } : x)) })}>{t('common.delete')}</button>
                </li>
              ))}
            </ol>
          </section>
        ))}
        <button type="button" className="btn btn-small" onClick={() => setDefinition({ sections: [...definition.sections, { title: '', items: [] }] })}>+ {t('builder.addSection')}</button>
        <ErrorMessage error={error} />
        {saved && <Notice testId="quiz-saved">{t('builder.saved')}</Notice>}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="save-quiz">{t('builder.save')}</button>
      </form>

      <div className="card form">
        <h2>{t('builder.addQuestions')}</h2>
        {definition.sections.length > 1 && (
          <div className="field"><label htmlFor="qb-target">{t('builder.toSection')}</label>
            <select id="qb-target" value={target} onChange={(e) => setTarget(Number(e.target.value))}>
              {definition.sections.map((x, i) => <option key={i} value={i}>{x.title || t('builder.section', { n: i + 1 })}</option>)}
            </select></div>
        )}
        <form onSubmit={find} className="inline-form" role="search">
          <div className="field"><label htmlFor="qb-search">{t('builder.searchBank')}</label>
            <input id="qb-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} /></div>
          <button type="submit" className="btn">{t('bank.filter')}</button>
        </form>
        {found && (
          <ul className="bank-list">
            {found.map((q) => {
              const inQuiz = definition.sections.some((x) => x.items.some((i) => i.questionId === q.id));
              return (
                <li key={q.id} className="bank-pick" data-testid="bank-pick">
                  <span>{q.title} <span className="muted small">({t(`questionType.${q.type}`)})</span></span>
                  <button type="button" className="btn btn-small" disabled={inQuiz}
                          onClick={() => { setTitles((x) => ({ ...x, [q.id]: q.title })); addItem({ kind: 'fixed', questionId: q.id, points: 1 }); }}>
                    {/* The name starts with the visible word (WCAG 2.5.3), then says which question. */}
                    {inQuiz ? t('builder.added') : t('builder.add')}
                    <span className="visually-hidden"> "{q.title}"</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {found && found.length > 0 && (
          <button type="button" className="btn btn-small" onClick={() => {
            for (const q of found) if (!definition.sections.some((x) => x.items.some((i) => i.questionId === q.id))) setTitles((x) => ({ ...x, [q.id]: q.title }));
            setDefinition({ sections: definition.sections.map((sec, i) => (i === target ? { ...sec, items: [...sec.items, ...found
              .filter((q) => !definition.sections.some((x) => x.items.some((it) => it.questionId === q.id)))
              .map((q) => ({ kind: 'fixed' as const, questionId: q.id, points: 1 }))] } : sec)) });
          }} data-testid="add-all">{t('builder.addAll')}</button>
        )}
        <h3>{t('builder.randomDraw')}</h3>
        <div className="grid-2">
          <div className="field"><label htmlFor="qb-rtags">{t('editorQ.tags')}</label>
            <input id="qb-rtags" value={draw.tags} onChange={(e) => setDraw({ ...draw, tags: e.target.value })} /></div>
          <div className="field"><label htmlFor="qb-rcount">{t('builder.count')}</label>
            <input id="qb-rcount" type="number" min={1} value={draw.count} onChange={(e) => setDraw({ ...draw, count: Number(e.target.value) })} /></div>
          <div className="field"><label htmlFor="qb-rmin">{t('builder.minDifficulty')}</label>
            <input id="qb-rmin" type="number" min={1} max={5} value={draw.min} onChange={(e) => setDraw({ ...draw, min: e.target.value })} /></div>
          <div className="field"><label htmlFor="qb-rmax">{t('builder.maxDifficulty')}</label>
            <input id="qb-rmax" type="number" min={1} max={5} value={draw.max} onChange={(e) => setDraw({ ...draw, max: e.target.value })} /></div>
        </div>
        <button type="button" className="btn btn-small" onClick={() => addItem({
          kind: 'random', points: draw.points, count: draw.count, tags: draw.tags.split(',').map((x) => x.trim()).filter(Boolean),
          minDifficulty: draw.min ? Number(draw.min) : null, maxDifficulty: draw.max ? Number(draw.max) : null,
        })}>+ {t('builder.addDraw')}</button>
      </div>
    </div>
  );
}
