import { useTranslation } from 'react-i18next';
import { classroomApi } from '../../api/classroom';
import { ErrorMessage, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatTime } from '../../format';

/** One run's attendance: who came, when, for how long; absent students too; a CSV to download. */
export function AttendancePanel({ sessionId, runId }: { sessionId: string; runId: string }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => classroomApi.attendance(sessionId, runId), [sessionId, runId]);
  if (!data) return loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />;
  return (
    <section className="live-attendance" aria-label={t('live.attendance.title')} data-testid="attendance">
      <h3>{t('live.attendance.title')}</h3>
      <p className="muted small">
        {t('live.attendance.summary', { present: data.present, absent: data.absent })}{' · '}
        <a href={classroomApi.attendanceCsvUrl(sessionId, runId)} download data-testid="attendance-csv">{t('live.attendance.csv')}</a>
      </p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('live.attendance.name')}</th>
              <th scope="col">{t('live.attendance.present')}</th>
              <th scope="col">{t('live.attendance.joined')}</th>
              <th scope="col">{t('live.attendance.minutes')}</th>
            </tr>
          </thead>
          <tbody>
            {data.people.map((p) => (
              <tr key={p.userId} data-testid="attendance-row" data-present={p.present}>
                <td>{p.displayName}{p.role !== 'student' && <span className="muted small"> · {t('live.teacher')}</span>}</td>
                <td>{p.present ? t('live.attendance.yes') : t('live.attendance.no')}</td>
                <td>{p.firstJoinedAt ? `${formatTime(p.firstJoinedAt, i18n.language)} – ${formatTime(p.lastLeftAt, i18n.language)}` : '—'}</td>
                <td>{p.minutes.toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
