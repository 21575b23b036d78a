import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { peopleApi } from '../../api/people';
import { schoolYearApi, type SchoolYear, type Subject } from '../../api/schoolYear';
import { Badge, ErrorMessage, Field, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { TimetableGrid } from './TimetableGrid';
import './reportCardWords';
import './schoolyear.css';

interface LineProblem { line: number; code: string; message: string; params?: Record<string, string> }

/**
 * A school admin's year: the school year and its two terms, the curriculum's subjects, each class's homeroom and
 * subject teachers, and the weekly timetable (imported from a CSV file, all or nothing, or set a period at a time on the grid).
 */
export function SchoolYearAdminPage() {
  const { t } = useTranslation();
  useTitle(t('schoolYear.admin.title'));
  const { institutionId = '' } = useParams();
  const years = useLoad(() => schoolYearApi.years(institutionId), [institutionId]);
  const subjects = useLoad(() => schoolYearApi.subjects(institutionId), [institutionId]);
  const [yearId, setYearId] = useState('');
  const year = years.data?.find((y) => y.id === yearId) ?? years.data?.[0];

  return (
    <div className="page" data-testid="school-year-admin">
      <p><Link to={`/institutions/${institutionId}`}>← {t('shell.administration')}</Link></p>
      <h1>{t('schoolYear.admin.title')}</h1>
      <ErrorMessage error={years.error ?? subjects.error} onRetry={() => { void years.reload(); void subjects.reload(); }} />
      {(years.loading || subjects.loading) && !years.data && <Loading />}
      {years.data && years.data.length > 1 && (
        <Field label={t('schoolYear.admin.year')}>
          {(p) => (
            <select {...p} value={year?.id} onChange={(e) => setYearId(e.target.value)}>
              {years.data!.map((y) => <option key={y.id} value={y.id}>{y.name}</option>)}
            </select>
          )}
        </Field>
      )}
      {year && <YearTerms year={year} />}
      {year && (
        <p><Link to={`/school-year/report-cards/${year.id}`} data-testid="report-cards-link">{t('schoolYear.reportCard.schoolLink')}</Link></p>
      )}
      <NewYear institutionId={institutionId} onCreated={(id) => { setYearId(id); void years.reload(); }} />
      {subjects.data && <Subjects institutionId={institutionId} subjects={subjects.data} onChanged={() => void subjects.reload()} />}
      {year && subjects.data && <ClassYear institutionId={institutionId} year={year} subjects={subjects.data} />}
    </div>
  );
}

function YearTerms({ year }: { year: SchoolYear }) {
  const { t } = useTranslation();
  return (
    <p data-testid="year-terms">
      <strong>{year.name}</strong>
      {year.terms.map((term) => (
        <span key={term.id}> · {t('schoolYear.admin.termDates', { number: term.number, from: term.startsOn, to: term.endsOn })}</span>
      ))}
    </p>
  );
}

function NewYear({ institutionId, onCreated }: { institutionId: string; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [dates, setDates] = useState(['', '', '', '']);
  const [error, setError] = useState<unknown>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const created = await schoolYearApi.createYear(institutionId, name,
        [{ startsOn: dates[0], endsOn: dates[1] }, { startsOn: dates[2], endsOn: dates[3] }]);
      setName('');
      onCreated(created.id);
    } catch (e) {
      setError(e);
    }
  }

  const labels = ['term1Start', 'term1End', 'term2Start', 'term2End'];
  return (
    <details className="card">
      <summary>{t('schoolYear.admin.newYear')}</summary>
      <form className="form" onSubmit={create} data-testid="year-create">
        <Field label={t('schoolYear.admin.yearName')}>{(p) => <input {...p} maxLength={20} placeholder="2026-2027" value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        {labels.map((label, i) => (
          <Field key={label} label={t(`schoolYear.admin.${label}`)}>
            {(p) => <input {...p} type="date" value={dates[i]} required onChange={(e) => setDates(dates.map((d, j) => (j === i ? e.target.value : d)))} />}
          </Field>
        ))}
        {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
        <button type="submit" className="btn btn-primary" disabled={!name.trim()}>{t('schoolYear.admin.create')}</button>
      </form>
    </details>
  );
}

function Subjects({ institutionId, subjects, onChanged }: { institutionId: string; subjects: Subject[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  async function add(level: 'thcs' | 'thpt') {
    setError(null);
    try {
      await schoolYearApi.addCurriculum(institutionId, level);
      onChanged();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby="subjects-title">
      <h2 id="subjects-title">{t('schoolYear.admin.subjects')}</h2>
      <p>
        <button type="button" className="btn btn-small" onClick={() => void add('thcs')}>{t('schoolYear.admin.addThcs')}</button>{' '}
        <button type="button" className="btn btn-small" onClick={() => void add('thpt')} data-testid="add-thpt">{t('schoolYear.admin.addThpt')}</button>
      </p>
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      {subjects.length === 0 && <p className="empty">{t('schoolYear.admin.noSubjects')}</p>}
      <ul className="period-list" data-testid="subject-list">
        {subjects.map((s) => (
          <li key={s.id} className="card period-card">
            <span><strong>{s.name}</strong> <span className="muted">{s.code}</span></span>
            <span>
              <Badge tone={s.assessment === 'comment' ? 'draft' : 'class'}>{t(`schoolYear.assessment.${s.assessment}`)}</Badge>{' '}
              <span className="muted">{t('schoolYear.admin.periodsPerWeek', { count: s.periodsPerWeek })}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ClassYear({ institutionId, year, subjects }: { institutionId: string; year: SchoolYear; subjects: Subject[] }) {
  const { t } = useTranslation();
  const classes = useLoad(() => peopleApi.classes(institutionId), [institutionId]);
  const teachers = useLoad(() => peopleApi.list(institutionId, { role: 'teacher', take: 200 }), [institutionId]);
  const [classId, setClassId] = useState('');
  const current = classId || classes.data?.[0]?.id || '';
  const assigned = useLoad(() => (current ? schoolYearApi.teachers(year.id, current) : Promise.resolve(undefined)), [year.id, current]);
  // Which class the week is of: while another class's week loads, the last one is not shown as this one's.
  const week = useLoad(async () => ({ classId: current, slots: current ? await schoolYearApi.timetable(year.id, current) : [] }), [year.id, current]);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<LineProblem[] | null>(null);
  const [imported, setImported] = useState<string | null>(null);

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      await assigned.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    setError(null);
    setProblems(null);
    setImported(null);
    try {
      const done = await schoolYearApi.importTimetable(year.id, file);
      setImported(t('schoolYear.timetable.imported', { periods: done.periods, classes: done.classes }));
      await week.reload();
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.problem.problems)) setProblems(e.problem.problems as LineProblem[]);
      else setError(e);
    }
  }

  const teacherOptions = teachers.data?.items ?? [];
  return (
    <section aria-labelledby="class-year-title">
      <h2 id="class-year-title">{t('schoolYear.admin.classes')}</h2>
      {classes.data && (
        <Field label={t('schoolYear.admin.class')}>
          {(p) => (
            <select {...p} value={current} onChange={(e) => setClassId(e.target.value)} data-testid="class-select">
              {classes.data!.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          )}
        </Field>
      )}
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      {assigned.data && (
        <div className="card form">
          <Field label={t('schoolYear.admin.homeroom')}>
            {(p) => (
              <select {...p} value={assigned.data!.homeroomTeacherId ?? ''} data-testid="homeroom-select"
                      onChange={(e) => e.target.value && void act(() => schoolYearApi.setHomeroom(year.id, current, e.target.value))}>
                <option value="">{t('schoolYear.admin.nobody')}</option>
                {teacherOptions.map((p2) => <option key={p2.id} value={p2.id}>{p2.displayName}</option>)}
              </select>
            )}
          </Field>
          {subjects.map((s) => (
            <Field key={s.id} label={s.name}>
              {(p) => (
                <select {...p} value={assigned.data!.subjects.find((a) => a.subjectId === s.id)?.teacherId ?? ''}
                        onChange={(e) => void act(() => schoolYearApi.setSubjectTeacher(year.id, current, s.id, e.target.value || null))}>
                  <option value="">{t('schoolYear.admin.nobody')}</option>
                  {teacherOptions.map((p2) => <option key={p2.id} value={p2.id}>{p2.displayName}</option>)}
                </select>
              )}
            </Field>
          ))}
        </div>
      )}
      <h2>{t('schoolYear.timetable.title')}</h2>
      <p className="muted small">{t('schoolYear.timetable.format')}</p>
      <label className="btn">
        {t('schoolYear.timetable.import')}
        <input type="file" accept=".csv,text/csv" className="visually-hidden" data-testid="timetable-file"
               onChange={(e) => { void upload(e.target.files?.[0]); e.target.value = ''; }} />
      </label>
      {imported && <p role="status" data-testid="timetable-imported">{imported}</p>}
      {problems && (
        <div role="alert" data-testid="timetable-problems">
          <p className="field-error">{t('schoolYear.timetable.problems', { count: problems.length })}</p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{t('schoolYear.timetable.line', { line: p.line })}: {t(`schoolYear.timetable.code.${p.code}`, { ...p.params, defaultValue: p.message })}</li>
            ))}
          </ul>
        </div>
      )}
      {current && week.data?.classId === current && (
        <TimetableGrid key={current} yearId={year.id} classId={current} week={week.data.slots} subjects={subjects} teachers={teacherOptions}
                       onChanged={week.reload} />
      )}
    </section>
  );
}
