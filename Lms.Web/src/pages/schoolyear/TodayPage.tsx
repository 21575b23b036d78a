import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { adminInstitutions, useMe } from '../../auth/AuthContext';
import { schoolYearApi, type TimetableSlot } from '../../api/schoolYear';
import { Badge, ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { MarkBookLinks } from './MarkBookPage';
import { ReportCardList } from './ReportCardList';
import { PeriodLine, todayInVietnam } from './schoolYearParts';
import './schoolyear.css';

/**
 * A school day on a phone: the periods a teacher teaches (with the roll to take), the periods of a student's class,
 * the leave requests of a homeroom teacher's class, a parent's children, and what the school told the parent.
 */
export function TodayPage() {
  const { t } = useTranslation();
  useTitle(t('schoolYear.today.title'));
  const me = useMe();
  const [day, setDay] = useState(todayInVietnam());
  const today = useLoad(() => schoolYearApi.today(day), [day]);
  const children = useLoad(() => schoolYearApi.children(), []);
  const notices = useLoad(() => schoolYearApi.notices(), []);

  return (
    <div className="page school-day" data-testid="school-day">
      <h1>{t('schoolYear.today.title')}</h1>
      <label className="check">
        {t('schoolYear.today.day')}{' '}
        <input type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} data-testid="school-day-date" />
      </label>
      <ErrorMessage error={today.error} onRetry={() => void today.reload()} />
      {today.loading && !today.data && <Loading />}
      {today.data && today.data.teaching.length > 0 && (
        <section aria-labelledby="teaching-title">
          <h2 id="teaching-title">{t('schoolYear.today.teaching')}</h2>
          <ul className="period-list" data-testid="teaching">
            {today.data.teaching.map(({ slot, rollTaken }) => (
              <li key={slot.id} className="card period-card">
                <PeriodLine slot={slot} showClass />
                <Link className={rollTaken ? 'btn btn-small' : 'btn btn-primary'} to={`/school-year/roll/${slot.id}/${today.data!.day}`}
                      data-testid={`roll-${slot.className}-${slot.period}`}>
                  {rollTaken ? t('schoolYear.today.rollTaken') : t('schoolYear.today.takeRoll')}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <MarkBookLinks />
      {today.data && today.data.homeroom.length > 0 && (
        <section aria-labelledby="homeroom-title">
          <h2 id="homeroom-title">{t('schoolYear.today.homeroom')}</h2>
          <ul className="period-list">
            {today.data.homeroom.map((h) => (
              <li key={h.classId} className="card period-card">
                <span>{h.className}</span>
                <Link className="btn btn-small" to={`/school-year/classes/${h.schoolYearId}/${h.classId}/leave`} data-testid={`leave-requests-${h.className}`}>
                  {t('schoolYear.leave.requests')}
                </Link>
                <Link className="btn btn-small" to={`/school-year/conduct/${h.schoolYearId}/${h.classId}`} data-testid={`conduct-${h.className}`}>
                  {t('schoolYear.marks.conductTitle')}
                </Link>
                <Link className="btn btn-small" to={`/school-year/report-cards/${h.schoolYearId}/${h.classId}`} data-testid={`report-cards-${h.className}`}>
                  {t('schoolYear.reportCard.link')}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {today.data && today.data.attending.length > 0 && (
        <section aria-labelledby="attending-title">
          <h2 id="attending-title">{t('schoolYear.today.attending')}</h2>
          <ul className="period-list" data-testid="attending">
            {today.data.attending.map((slot: TimetableSlot) => <li key={slot.id} className="card period-card"><PeriodLine slot={slot} /></li>)}
          </ul>
        </section>
      )}
      {today.data && today.data.teaching.length + today.data.attending.length === 0 && (
        <p className="empty">{t('schoolYear.today.nothing')}</p>
      )}
      {children.data && children.data.length > 0 && (
        <section aria-labelledby="children-title">
          <h2 id="children-title">{t('schoolYear.children.title')}</h2>
          <ul className="period-list" data-testid="children">
            {children.data.map((c) => (
              <li key={c.studentId} className="card period-card">
                <Link to={`/school-year/children/${c.studentId}`}>{c.studentName}</Link>
                <span className="muted">{c.className}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {notices.data && notices.data.length > 0 && (
        <section aria-labelledby="notices-title">
          <h2 id="notices-title">{t('schoolYear.notices.title')}</h2>
          <ul className="period-list" data-testid="notices">
            {notices.data.map((n) => (
              <li key={n.id} className="card">
                <Badge tone="absent">{t('schoolYear.status.unexcused')}</Badge>{' '}
                {t('schoolYear.notices.absence', { student: n.studentName, day: n.day, period: n.period, subject: n.subjectName })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {me.memberships.some((m) => m.role === 'student') && <ReportCardList studentId={me.id} />}
      {adminInstitutions(me).map((m) => (
        <p key={m.institutionId}>
          <Link to={`/institutions/${m.institutionId}/school-year`} data-testid="school-year-admin-link">
            {t('schoolYear.admin.linkOf', { name: m.institutionName })}
          </Link>
        </p>
      ))}
    </div>
  );
}
