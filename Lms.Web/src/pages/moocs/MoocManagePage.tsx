import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, type Course } from '../../api/lms';
import { moocApi, type EntryFields, type Grading, type GradingCategory, type PolicyPreview, type Run, type RunFields, type RunStatsView } from '../../api/moocs';
import { ErrorMessage, Field, Loading, Notice, TabPanel, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { CredentialReviewList, PolicyPreviewNotice } from './CredentialReviews';
import { RunExtensionsPanel } from './RunExtensions';
import { formatDate } from './format';
import { DateField } from '../../components/DateField';

type Tab = 'entry' | 'grading' | 'runs';

/** A MOOC's settings for its teachers: the catalogue entry, the grading policy and item rules, the runs. */
export function MoocManagePage() {
  const { t } = useTranslation();
  const { moocId = '' } = useParams();
  // A mail about credentials to review links to ?tab=runs.
  const [tab, setTab] = useState<Tab>(() => (new URLSearchParams(window.location.search).get('tab') === 'runs' ? 'runs' : 'entry'));
  const { data: course } = useLoad(() => api.course(moocId), [moocId]);
  const { data, error, loading, reload, setData } = useLoad(() => moocApi.manage(moocId), [moocId]);
  useTitle(course ? `${t('moocs.manage.title')} · ${course.title}` : undefined);
  if (!data || !course) return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  return (
    <div className="page">
      <p className="breadcrumb"><Link to={`/courses/${moocId}/edit`}>← {course.title}</Link></p>
      <h1>{t('moocs.manage.title')}</h1>
      {data.entry
        ? <p className="muted">{t('moocs.manage.inCatalogue')} <Link to={`/catalogue/${data.entry.slug}`}>/catalogue/{data.entry.slug}</Link>
          {data.courseStatus !== 'published' && <> · {t('moocs.manage.publishHint')}</>}</p>
        : <p className="muted">{t('moocs.manage.notInCatalogue')}</p>}
      <Tabs<Tab> label={t('moocs.manage.title')} current={tab} onChange={setTab}
                 tabs={[{ id: 'entry', label: t('moocs.manage.tabs.entry') }, { id: 'grading', label: t('moocs.manage.tabs.grading') },
                   { id: 'runs', label: t('moocs.manage.tabs.runs') }]} />
      {tab === 'entry' && <TabPanel id="entry"><EntryForm moocId={moocId} data={data} onSaved={setData} /></TabPanel>}
      {tab === 'grading' && <TabPanel id="grading"><GradingForm course={course} /></TabPanel>}
      {tab === 'runs' && <TabPanel id="runs"><RunsPanel moocId={moocId} runs={data.runs} onChanged={() => void reload()} /></TabPanel>}
    </div>
  );
}

function EntryForm({ moocId, data, onSaved }: { moocId: string; data: Awaited<ReturnType<typeof moocApi.manage>>; onSaved: (d: Awaited<ReturnType<typeof moocApi.manage>>) => void }) {
  const { t } = useTranslation();
  const e = data.entry;
  const [f, setF] = useState<EntryFields>({
    slug: e?.slug ?? '', subject: e?.subject ?? '', language: e?.language ?? 'vi', level: e?.level ?? 'beginner', syllabus: data.syllabus,
    instructors: data.instructors, effortHoursPerWeek: e?.effortHoursPerWeek ?? null, durationWeeks: e?.durationWeeks ?? null,
    credits: e?.credits ?? null, ects: e?.ects ?? null, priceVnd: e?.priceVnd ?? 0, imageUrl: e?.imageUrl ?? null,
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const num = (v: string) => (v === '' ? null : Number(v));
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    try {
      onSaved(await moocApi.saveEntry(moocId, { ...f, slug: f.slug || null }));
      setSaved(true);
      setError(null);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="card form" onSubmit={save} data-testid="entry-form">
      <Field label={t('moocs.manage.slug')} hint={t('moocs.manage.slugHint')}>
        {(p) => <input {...p} value={f.slug ?? ''} onChange={(x) => setF({ ...f, slug: x.target.value })} maxLength={100} />}
      </Field>
      <Field label={t('moocs.catalogue.subject')}>
        {(p) => <input {...p} value={f.subject} onChange={(x) => setF({ ...f, subject: x.target.value })} required maxLength={100} />}
      </Field>
      <Field label={t('moocs.catalogue.language')}>
        {(p) => (
          <select {...p} value={f.language} onChange={(x) => setF({ ...f, language: x.target.value })}>
            <option value="vi">{t('moocs.language.vi')}</option><option value="en">{t('moocs.language.en')}</option>
          </select>
        )}
      </Field>
      <Field label={t('moocs.catalogue.level')}>
        {(p) => (
          <select {...p} value={f.level} onChange={(x) => setF({ ...f, level: x.target.value })}>
            {['beginner', 'intermediate', 'advanced'].map((l) => <option key={l} value={l}>{t(`moocs.level.${l}`)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('moocs.syllabus')} hint={t('editor.markdownHint')}>
        {(p) => <textarea {...p} rows={5} value={f.syllabus ?? ''} onChange={(x) => setF({ ...f, syllabus: x.target.value })} maxLength={20000} />}
      </Field>
      <Field label={t('moocs.instructors')} hint={t('moocs.manage.instructorsHint')}>
        {(p) => <textarea {...p} rows={2} value={f.instructors ?? ''} onChange={(x) => setF({ ...f, instructors: x.target.value })} maxLength={2000} />}
      </Field>
      <div className="row">
        <Field label={t('moocs.facts.effort')}>
          {(p) => <input {...p} type="number" min={1} max={80} value={f.effortHoursPerWeek ?? ''} onChange={(x) => setF({ ...f, effortHoursPerWeek: num(x.target.value) })} />}
        </Field>
        <Field label={t('moocs.facts.duration')}>
          {(p) => <input {...p} type="number" min={1} max={104} value={f.durationWeeks ?? ''} onChange={(x) => setF({ ...f, durationWeeks: num(x.target.value) })} />}
        </Field>
      </div>
      <div className="row">
        <Field label={t('moocs.manage.credits')}>
          {(p) => <input {...p} type="number" min={0} max={30} value={f.credits ?? ''} onChange={(x) => setF({ ...f, credits: num(x.target.value) })} />}
        </Field>
        <Field label={t('moocs.manage.ects')}>
          {(p) => <input {...p} type="number" min={0} max={60} step={0.5} value={f.ects ?? ''} onChange={(x) => setF({ ...f, ects: num(x.target.value) })} />}
        </Field>
      </div>
      <Field label={t('moocs.manage.price')}>
        {(p) => <input {...p} type="number" min={0} value={f.priceVnd} onChange={(x) => setF({ ...f, priceVnd: Number(x.target.value) })} />}
      </Field>
      <ErrorMessage error={error} />
      {saved && <Notice testId="entry-saved">{t('moocs.manage.saved')}</Notice>}
      <button type="submit" className="btn btn-primary">{t('common.save')}</button>
    </form>
  );
}

function GradingForm({ course }: { course: Course }) {
  const { t } = useTranslation();
  const [grading, setGrading] = useState<Grading | null>(null);
  const [categories, setCategories] = useState<GradingCategory[]>([]);
  const [passMark, setPassMark] = useState(50);
  const [requireAll, setRequireAll] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState<PolicyPreview | null>(null);
  useEffect(() => {
    moocApi.grading(course.id).then((g) => {
      setGrading(g);
      setCategories(g.policy?.categories ?? []);
      setPassMark(g.policy?.passMark ?? 50);
      setRequireAll(g.policy?.requireAllItems ?? true);
    }).catch(setError);
  }, [course.id]);
  if (!grading) return error ? <ErrorMessage error={error} /> : <Loading />;
  const items = course.modules.flatMap((m) => m.items);
  const policy = { categories, passMark, requireAllItems: requireAll };
  const commit = async () => {
    try {
      setGrading(await moocApi.savePolicy(course.id, policy));
      setPreview(null);
      setSaved(true);
      setError(null);
    } catch (x) {
      setError(x);
    }
  };
  // A change that moves the grade or pass of anyone already passed is shown before it is saved.
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const effect = await moocApi.previewPolicy(course.id, policy);
      setError(null);
      if (effect.affected.length > 0) setPreview(effect);
      else await commit();
    } catch (x) {
      setError(x);
    }
  };
  const setCat = (i: number, change: Partial<GradingCategory>) => setCategories(categories.map((c, j) => (j === i ? { ...c, ...change } : c)));
  return (
    <>
      <form className="card form" onSubmit={save} data-testid="policy-form">
        <h2>{t('moocs.manage.policy')}</h2>
        <p className="muted small">{t('moocs.manage.policyHint')}</p>
        {categories.map((c, i) => (
          <fieldset key={i} className="row category-row">
            <legend className="visually-hidden">{t('moocs.manage.category', { n: i + 1 })}</legend>
            <Field label={t('moocs.manage.categoryKey')}>{(p) => <input {...p} value={c.key} required maxLength={50} onChange={(x) => setCat(i, { key: x.target.value })} />}</Field>
            <Field label={t('moocs.manage.categoryName')}>{(p) => <input {...p} value={c.name} required maxLength={100} onChange={(x) => setCat(i, { name: x.target.value })} />}</Field>
            <Field label={t('moocs.progress.weight')}>{(p) => <input {...p} type="number" min={0} max={100} value={c.weight} onChange={(x) => setCat(i, { weight: Number(x.target.value) })} />}</Field>
            <Field label={t('moocs.manage.dropLowest')}>{(p) => <input {...p} type="number" min={0} max={50} value={c.dropLowest} onChange={(x) => setCat(i, { dropLowest: Number(x.target.value) })} />}</Field>
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => setCategories(categories.filter((_, j) => j !== i))}>{t('common.delete')}</button>
          </fieldset>
        ))}
        <button type="button" className="btn btn-small" onClick={() => setCategories([...categories, { key: '', name: '', weight: 0, dropLowest: 0 }])}>
          {t('moocs.manage.addCategory')}
        </button>
        <Field label={t('moocs.manage.passMark')}>{(p) => <input {...p} type="number" min={0} max={100} value={passMark} onChange={(x) => setPassMark(Number(x.target.value))} />}</Field>
        <label className="field-check"><input type="checkbox" checked={requireAll} onChange={(x) => setRequireAll(x.target.checked)} /> {t('moocs.manage.requireAll')}</label>
        <ErrorMessage error={error} />
        {saved && <Notice>{t('moocs.manage.saved')}</Notice>}
        {preview ? <PolicyPreviewNotice preview={preview} onConfirm={() => void commit()} onCancel={() => setPreview(null)} />
          : <button type="submit" className="btn btn-primary">{t('common.save')}</button>}
      </form>
      <section className="card">
        <h2>{t('moocs.manage.itemRules')}</h2>
        <p className="muted small">{t('moocs.manage.itemRulesHint')}</p>
        <ul className="plain-list">
          {items.map((item) => {
            const rule = grading.rules.find((r) => r.itemId === item.id);
            return <RuleRow key={item.id} courseId={course.id} itemId={item.id} title={item.title} rule={rule}
                            categories={grading.policy?.categories ?? []} />;
          })}
        </ul>
      </section>
    </>
  );
}

function RuleRow({ courseId, itemId, title, rule, categories }: {
  courseId: string; itemId: string; title: string; rule: Grading['rules'][number] | undefined; categories: GradingCategory[];
}) {
  const { t } = useTranslation();
  const [required, setRequired] = useState(rule?.required ?? true);
  const [category, setCategory] = useState(rule?.category ?? '');
  const [releaseDay, setReleaseDay] = useState<string>(rule?.releaseDay?.toString() ?? '');
  const [state, setState] = useState<'idle' | 'saved' | unknown>('idle');
  return (
    <li className="rule-row" data-testid="rule-row">
      <form className="row" onSubmit={async (e) => {
        e.preventDefault();
        try {
          await moocApi.saveRule(courseId, itemId, { required, category: category || null, releaseDay: releaseDay === '' ? null : Number(releaseDay), minPercent: rule?.minPercent ?? null });
          setState('saved');
        } catch (x) {
          setState(x);
        }
      }}>
        <strong className="rule-title">{title}</strong>
        <label className="field-check"><input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} /> {t('moocs.manage.required')}</label>
        <label>{t('moocs.progress.category')}{' '}
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('moocs.manage.noCategory')}</option>
            {categories.map((c) => <option key={c.key} value={c.key}>{c.name}</option>)}
          </select>
        </label>
        <label>{t('moocs.manage.releaseDay')}{' '}
          <input type="number" min={0} max={3650} value={releaseDay} onChange={(e) => setReleaseDay(e.target.value)} className="narrow" />
        </label>
        <button type="submit" className="btn btn-small">{t('common.save')}</button>
        {state === 'saved' && <span className="muted small">✓</span>}
        {state !== 'idle' && state !== 'saved' && <ErrorMessage error={state} />}
      </form>
    </li>
  );
}

function RunsPanel({ moocId, runs, onChanged }: { moocId: string; runs: Run[]; onChanged: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <ul className="plain-list">
        {runs.map((run) => <RunCard key={run.id} run={run} onChanged={onChanged} />)}
      </ul>
      <section className="card">
        <h2>{t('moocs.manage.newRun')}</h2>
        <p className="muted small">{t('moocs.manage.newRunHint')}</p>
        <RunForm submitLabel={t('moocs.manage.createRun')} onSubmit={async (f) => { await moocApi.createRun(moocId, f); onChanged(); }} />
      </section>
    </>
  );
}

function RunCard({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [stats, setStats] = useState<RunStatsView | null>(null);
  const [editing, setEditing] = useState(false);
  const [extending, setExtending] = useState(false);
  const [decided, setDecided] = useState(0);
  useEffect(() => {
    moocApi.runStats(run.id).then(setStats).catch(() => setStats(null));
  }, [run.id, run.enrolled, decided]);
  return (
    <li className="card" data-testid="run-card">
      <p><strong>{t('moocs.runs.label', { label: run.label })}</strong> · {t(`moocs.pace.${run.pace}`)}
        {run.startsAt && <> · {formatDate(run.startsAt, i18n.language)}</>}{run.endsAt && <> – {formatDate(run.endsAt, i18n.language)}</>}</p>
      <p className="muted small" data-testid="run-stats">
        {t('moocs.manage.stats', { enrolled: run.enrolled, cap: run.cap ?? '∞', passed: stats?.passed ?? 0, active: stats?.activeLastWeek ?? 0, certificates: stats?.certificatesIssued ?? 0 })}
        {' · '}{t('moocs.manage.creditRecords', { count: stats?.creditRecordsIssued ?? 0 })}
      </p>
      {(stats?.credentialsToReview ?? 0) > 0 && <CredentialReviewList courseId={run.courseId} onChanged={() => setDecided(decided + 1)} />}
      <div className="actions">
        <Link className="btn btn-small" to={`/courses/${run.courseId}/edit`}>{t('moocs.manage.editContent')}</Link>
        <button type="button" className="btn btn-small" onClick={() => setEditing(!editing)}>{t('common.edit')}</button>
        <button type="button" className="btn btn-small" aria-expanded={extending} onClick={() => setExtending(!extending)}
                data-testid="extensions-toggle">{t('moocs.extensions.open')}</button>
      </div>
      {extending && <RunExtensionsPanel run={run} />}
      {editing && (
        <RunForm initial={run} submitLabel={t('common.save')} onSubmit={async (f) => { await moocApi.updateRun(run.id, f); setEditing(false); onChanged(); }} />
      )}
    </li>
  );
}

function RunForm({ initial, submitLabel, onSubmit }: { initial?: Run; submitLabel: string; onSubmit: (f: RunFields) => Promise<void> }) {
  const { t } = useTranslation();
  const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');
  const [label, setLabel] = useState(initial?.label ?? '');
  const [pace, setPace] = useState<'self' | 'instructor'>(initial?.pace ?? 'self');
  const [startsAt, setStartsAt] = useState(day(initial?.startsAt));
  const [endsAt, setEndsAt] = useState(day(initial?.endsAt));
  const [cap, setCap] = useState(initial?.cap?.toString() ?? '');
  const [error, setError] = useState<unknown>(null);
  return (
    <form className="form" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await onSubmit({ label, pace, startsAt: startsAt ? new Date(startsAt).toISOString() : null, endsAt: endsAt ? new Date(endsAt).toISOString() : null, cap: cap === '' ? null : Number(cap) });
        setError(null);
      } catch (x) {
        setError(x);
      }
    }}>
      <Field label={t('moocs.manage.runLabel')}>{(p) => <input {...p} value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={100} />}</Field>
      <Field label={t('moocs.manage.pace')}>
        {(p) => (
          <select {...p} value={pace} onChange={(e) => setPace(e.target.value as 'self' | 'instructor')}>
            <option value="self">{t('moocs.pace.self')}</option><option value="instructor">{t('moocs.pace.instructor')}</option>
          </select>
        )}
      </Field>
      <div className="row">
        <Field label={t('moocs.manage.startsAt')}>{(p) => <DateField {...p} value={startsAt} onChange={setStartsAt} />}</Field>
        <Field label={t('moocs.manage.endsAt')}>{(p) => <DateField {...p} value={endsAt} onChange={setEndsAt} />}</Field>
      </div>
      <Field label={t('moocs.manage.cap')} hint={t('moocs.manage.capHint')}>{(p) => <input {...p} type="number" min={1} value={cap} onChange={(e) => setCap(e.target.value)} />}</Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary">{submitLabel}</button>
    </form>
  );
}
