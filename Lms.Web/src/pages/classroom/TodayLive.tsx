import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { classroomApi } from '../../api/classroom';
import { useLoad } from '../../components/useLoad';
import { formatTime } from '../../format';

/** "Today": the live sessions of my courses from now to the end of the day (in my zone), and those live now. */
export function TodayLive() {
  const { t, i18n } = useTranslation();
  const { data } = useLoad(() => {
    const now = new Date();
    const start = new Date(now);
    start.setHours(0, 0, 0, 0);
    const end = new Date(start);
    end.setDate(end.getDate() + 1);
    return classroomApi.agenda(start, end);
  }, []);
  const upcoming = (data ?? []).filter((a) => a.live || new Date(a.endsAt).getTime() > Date.now());
  if (upcoming.length === 0) return null;
  return (
    <section className="card live-today" aria-labelledby="live-today-title" data-testid="today-live">
      <h2 id="live-today-title">{t('live.today')}</h2>
      <ul>
        {upcoming.map((a) => (
          <li key={`${a.sessionId}-${a.startsAt}`} data-testid="today-item">
            <span>
              <strong>{formatTime(a.startsAt, i18n.language)}</strong> {a.title}
              <span className="muted small"> · {a.courseTitle}</span>
            </span>
            <Link className={a.live ? 'btn btn-small btn-primary' : 'btn btn-small'} to={a.joinPath}>
              {a.live ? `● ${t('live.joinNow')}` : a.myRole === 'teacher' ? t('live.openRoom') : t('live.join')}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
