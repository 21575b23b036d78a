import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { schoolYearApi, weekdays, type StudentYear } from '../../api/schoolYear';
import { Badge, ErrorMessage, Field, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { ChildMarks } from './ChildMarks';
import { ReportCardList } from './ReportCardList';
import { PeriodLine, WeekdayName, todayInVietnam } from './schoolYearParts';
import './schoolyear.css';

/**
 * A student's school year as a parent (or the student) sees it on a phone: a switch between one's children, the
 * week's timetable, the term's absences (excused or not) with totals, and the leave requests, with a form to ask one.
 */
export function ChildPage() {
  const { t } = useTranslation();
  const { studentId = '' } = useParams();
  const year = useLoad(() => schoolYearApi.student(studentId), [studentId]);
  const children = useLoad(() => schoolYearApi.children(), []);
  useTitle(year.data?.student.studentName ?? t('schoolYear.children.title'));

  return (
    <div className="page" data-testid="child-page">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      {children.data && children.data.length > 1 && (
        <nav className="child-switch" aria-label={t('schoolYear.children.switch')} data-testid="child-switch">
          {children.data.map((c) => (
            <Link key={c.studentId} to={`/school-year/children/${c.studentId}`}
                  className={c.studentId === studentId ? 'btn btn-small btn-primary' : 'btn btn-small'}
                  aria-current={c.studentId === studentId ? 'page' : undefined}>
              {c.studentName}
            </Link>
          ))}
        </nav>
      )}
      <ErrorMessage error={year.error} onRetry={() => void year.reload()} />
      {year.loading && !year.data && <Loading />}
      {year.data && <StudentYearView data={year.data} onChanged={() => void year.reload()} />}
    </div>
  );
}

function StudentYearView({ data, onChanged }: { data: StudentYear; onChanged: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <h1>{data.student.studentName} <Badge tone="class">{data.student.className}</Badge></h1>
      {data.homeroomTeacherName && <p className="muted">{t('schoolYear.children.homeroom', { name: data.homeroomTeacherName })}</p>}
      {data.term && (
        <p className="muted">{t('schoolYear.children.term', { number: data.term.number, from: data.term.startsOn, to: data.term.endsOn })}</p>
      )}
      <section aria-labelledby="attendance-title">
        <h2 id="attendance-title">{t('schoolYear.children.attendance')}</h2>
        <p data-testid="attendance-totals">
          {t('schoolYear.children.totals', {
            excused: data.totals.absentExcused, unexcused: data.totals.absentUnexcused, late: data.totals.late,
          })}
        </p>
        {data.attendance.length === 0 && <p className="empty">{t('schoolYear.children.noAbsence')}</p>}
        <ul className="period-list" data-testid="attendance-list">
          {data.attendance.map((a) => (
            <li key={`${a.day}-${a.period}`} className="card period-card" data-testid={`absence-${a.day}-${a.period}`}>
              <span>{a.day} · {t('schoolYear.period', { period: a.period })} · {a.subjectName}</span>
              <Badge tone={a.status === 'late' ? 'draft' : a.excused ? 'class' : 'absent'}>
                {t(a.status === 'late' ? 'schoolYear.status.late' : a.excused ? 'schoolYear.status.excusedAbsence' : 'schoolYear.status.unexcused')}
              </Badge>
            </li>
          ))}
        </ul>
      </section>
      <ChildMarks studentId={data.student.studentId} />
      <ReportCardList studentId={data.student.studentId} />
      <LeaveForm studentId={data.student.studentId} onSent={onChanged} />
      {data.leaveRequests.length > 0 && (
        <section aria-labelledby="leaves-title">
          <h2 id="leaves-title">{t('schoolYear.leave.requests')}</h2>
          <ul className="period-list" data-testid="leave-list">
            {data.leaveRequests.map((l) => (
              <li key={l.id} className="card period-card">
                <span>{l.fromDate === l.toDate ? l.fromDate : `${l.fromDate} – ${l.toDate}`} · {l.reason}</span>
                <Badge tone={l.status === 'approved' ? 'class' : l.status === 'refused' ? 'absent' : 'draft'} testId={`leave-status-${l.id}`}>
                  {t(`schoolYear.leave.status.${l.status}`)}
                </Badge>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="week-title">
        <h2 id="week-title">{t('schoolYear.children.timetable')}</h2>
        {data.timetable.length === 0 && <p className="empty">{t('schoolYear.children.noTimetable')}</p>}
        {weekdays.filter((d) => data.timetable.some((s) => s.weekday === d)).map((d) => (
          <div key={d}>
            <h3><WeekdayName weekday={d} /></h3>
            <ul className="period-list">
              {data.timetable.filter((s) => s.weekday === d).map((s) => <li key={s.id} className="card"><PeriodLine slot={s} /></li>)}
            </ul>
          </div>
        ))}
      </section>
    </>
  );
}

/** A parent's leave request (xin nghỉ học): a day or several, whole days or some periods, and why. */
function LeaveForm({ studentId, onSent }: { studentId: string; onSent: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [fromDate, setFromDate] = useState(todayInVietnam());
  const [toDate, setToDate] = useState(todayInVietnam());
  const [periods, setPeriods] = useState<'all' | 'some'>('all');
  const [fromPeriod, setFromPeriod] = useState(1);
  const [toPeriod, setToPeriod] = useState(5);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await schoolYearApi.requestLeave(studentId, {
        fromDate, toDate, reason, fromPeriod: periods === 'some' ? fromPeriod : null, toPeriod: periods === 'some' ? toPeriod : null,
      });
      setReason('');
      setOpen(false);
      onSent();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return <p><button type="button" className="btn" onClick={() => setOpen(true)} data-testid="leave-open">{t('schoolYear.leave.ask')}</button></p>;
  }
  return (
    <form className="card form" onSubmit={send} data-testid="leave-form">
      <h2>{t('schoolYear.leave.ask')}</h2>
      <Field label={t('schoolYear.leave.from')}>{(p) => <input {...p} type="date" value={fromDate} onChange={(e) => setFromDate(e.target.value)} required />}</Field>
      <Field label={t('schoolYear.leave.to')}>{(p) => <input {...p} type="date" value={toDate} onChange={(e) => setToDate(e.target.value)} required />}</Field>
      <label className="check"><input type="radio" checked={periods === 'all'} onChange={() => setPeriods('all')} /> {t('schoolYear.leave.wholeDays')}</label>
      <label className="check"><input type="radio" checked={periods === 'some'} onChange={() => setPeriods('some')} /> {t('schoolYear.leave.somePeriods')}</label>
      {periods === 'some' && (
        <div className="row">
          <Field label={t('schoolYear.leave.fromPeriod')}>
            {(p) => <input {...p} type="number" min={1} max={10} value={fromPeriod} onChange={(e) => setFromPeriod(Number(e.target.value))} />}
          </Field>
          <Field label={t('schoolYear.leave.toPeriod')}>
            {(p) => <input {...p} type="number" min={1} max={10} value={toPeriod} onChange={(e) => setToPeriod(Number(e.target.value))} />}
          </Field>
        </div>
      )}
      <Field label={t('schoolYear.leave.reason')}>
        {(p) => <textarea {...p} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="leave-reason" />}
      </Field>
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      <button type="submit" className="btn btn-primary" disabled={busy || !reason.trim()} data-testid="leave-send">{t('schoolYear.leave.send')}</button>{' '}
      <button type="button" className="btn" onClick={() => setOpen(false)}>{t('schoolYear.cancel')}</button>
    </form>
  );
}
