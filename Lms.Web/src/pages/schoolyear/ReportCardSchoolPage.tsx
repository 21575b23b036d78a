import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { reportCardApi, reportCardPeriods, type ReportCardPeriod } from '../../api/reportCards';
import { Badge, ErrorMessage, Loading, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { vietnamDay } from './ReportCardParts';
import './schoolyear.css';

/** The principal's view of a period: every class, its homeroom teacher and where its cards stand, each opening the class's cards. */
export function ReportCardSchoolPage() {
  const { t } = useTranslation();
  const { yearId = '' } = useParams();
  const [period, setPeriod] = useState<ReportCardPeriod>('hk1');
  const year = useLoad(() => reportCardApi.year(yearId, period), [yearId, period]);
  useTitle(t('schoolYear.reportCard.schoolTitle'));
  return (
    <div className="page" data-testid="report-card-school">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      <h1>{t('schoolYear.reportCard.schoolTitle')}{year.data && <> <Badge tone="class">{year.data.yearName}</Badge></>}</h1>
      <Tabs tabs={reportCardPeriods.map((p) => ({ id: p, label: t(`schoolYear.reportCard.period.${p}`) }))} current={period}
            onChange={setPeriod} label={t('schoolYear.reportCard.periods')} />
      <div role="tabpanel" id={`panel-${period}`} aria-labelledby={`tab-${period}`}>
        <ErrorMessage error={year.error} onRetry={() => void year.reload()} />
        {year.loading && !year.data && <Loading />}
        <h2>{t('schoolYear.reportCard.classes')}</h2>
        <ul className="period-list">
          {year.data?.classes.map((c) => (
            <li key={c.classId} className="card period-card" data-testid={`report-card-class-${c.className}`}>
              <span>
                <strong>{c.className}</strong>{' '}
                <span className="muted">{c.homeroomTeacherName ? t('schoolYear.reportCard.homeroomOf', { name: c.homeroomTeacherName }) : t('schoolYear.reportCard.noHomeroom')}</span>
              </span>
              <Badge tone={c.state === 'issued' ? 'class' : 'draft'}>{t(`schoolYear.reportCard.state.${c.state}`)}</Badge>
              {c.round?.principalSignedAt && <span className="muted small">{vietnamDay(c.round.principalSignedAt)}</span>}
              <Link className="btn btn-small" to={`/school-year/report-cards/${yearId}/${c.classId}`}
                    aria-label={t('schoolYear.reportCard.open', { name: c.className })}>
                {t('schoolYear.reportCard.link')}
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
