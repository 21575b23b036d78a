import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { schoolYearApi } from '../../api/schoolYear';
import { Badge, ErrorMessage, Loading, useTitle } from '../../components/common';
import { ExportButtons } from '../../components/ExportButtons';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import './schoolyear.css';

/** The homeroom teacher's leave requests for their class: approve or refuse each pending one; the class's attendance report. */
export function LeaveRequestsPage() {
  const { t } = useTranslation();
  useTitle(t('schoolYear.leave.requests'));
  const { yearId = '', classId = '' } = useParams();
  const requests = useLoad(() => schoolYearApi.classLeaves(yearId, classId), [yearId, classId]);
  const [error, setError] = useState<unknown>(null);

  async function decide(requestId: string, approve: boolean) {
    setError(null);
    try {
      await schoolYearApi.decideLeave(requestId, approve);
    } catch (e) {
      setError(e);
    }
    await requests.reload();
  }

  return (
    <div className="page" data-testid="leave-requests-page">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      <h1>{t('schoolYear.leave.requests')}</h1>
      <p>
        {t('schoolYear.report.title')}{' '}
        <ExportButtons path={`/api/school-years/${yearId}/classes/${classId}/attendance`} testId="attendance-export" />
      </p>
      {error != null && <p className="field-error" role="alert">{errorText(t, error)}</p>}
      <ErrorMessage error={requests.error} onRetry={() => void requests.reload()} />
      {requests.loading && !requests.data && <Loading />}
      {requests.data && requests.data.length === 0 && <p className="empty">{t('schoolYear.leave.none')}</p>}
      <ul className="period-list">
        {requests.data?.map((l) => (
          <li key={l.id} className="card" data-testid={`leave-${l.studentName}`}>
            <p>
              <strong>{l.studentName}</strong>{' · '}
              {l.fromDate === l.toDate ? l.fromDate : `${l.fromDate} – ${l.toDate}`}
              {l.fromPeriod != null && <> · {t('schoolYear.leave.periods', { from: l.fromPeriod, to: l.toPeriod })}</>}
            </p>
            <p>{l.reason} <span className="muted">({l.requestedByName})</span></p>
            {l.status === 'pending' ? (
              <p>
                <button type="button" className="btn btn-primary" onClick={() => void decide(l.id, true)} data-testid={`approve-${l.studentName}`}>
                  {t('schoolYear.leave.approve')}
                </button>{' '}
                <button type="button" className="btn" onClick={() => void decide(l.id, false)}>{t('schoolYear.leave.refuse')}</button>
              </p>
            ) : (
              <Badge tone={l.status === 'approved' ? 'class' : 'absent'}>{t(`schoolYear.leave.status.${l.status}`)}</Badge>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
