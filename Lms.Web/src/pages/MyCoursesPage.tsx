import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, type CourseSummary, type PersonRef } from '../api/lms';
import { adminInstitutions, teachingInstitutions, useMe } from '../auth/AuthContext';
import { CourseCard } from '../components/CourseCard';
import { ErrorMessage, Loading, useTitle } from '../components/common';
import { useLoad } from '../components/useLoad';
import { TodayLive } from './classroom/TodayLive';
import { handOver } from '../serverPage';

const pageSize = 12;

export function MyCoursesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canCreate = teachingInstitutions(me).length > 0;
  const [courses, setCourses] = useState<CourseSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('courses.title'));

  const load = useCallback(async (skip: number) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.myCourses(skip, pageSize);
      setCourses((previous) => (skip === 0 ? page.items : [...previous, ...page.items.filter((c) => !previous.some((p) => p.id === c.id))]));
      setTotal(page.total);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(0);
  }, [load]);

  // The server's rendering of this page stays on screen until the list has loaded here too.
  useLayoutEffect(() => {
    if (!loading) handOver();
  }, [loading]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('courses.title')}</h1>
          <p className="muted">{t('courses.greeting', { name: me.displayName })}</p>
        </div>
        {canCreate && (
          <Link className="btn btn-primary" to="/courses/new">
            {t('courses.create')}
          </Link>
        )}
      </div>

      <TodayLive />
      <ErrorMessage error={error} onRetry={() => void load(courses.length)} />

      {!loading && !error && courses.length === 0 && me.children.length === 0 && (
        <div className="empty">
          <p>{canCreate ? t('courses.emptyTeacher') : t('courses.emptyStudent')}</p>
          {/* An admin teaches nothing themselves, yet the school has courses: say where they are. */}
          {adminInstitutions(me).map((m) => (
            <p key={m.institutionId}>
              <Link to={`/institutions/${m.institutionId}?tab=courses`} data-testid="school-courses-link">
                {t('courses.schoolCourses', { name: m.institutionName })}</Link>
            </p>
          ))}
        </div>
      )}

      {courses.length > 0 && (
        <ul className="course-grid" aria-label={t('courses.title')} data-testid="course-list">
          {courses.map((course) => <CourseCard key={course.id} course={course} />)}
        </ul>
      )}

      {loading && <Loading />}

      {me.children.map((child) => <ChildCourses key={child.id} child={child} />)}

      {!loading && courses.length < total && (
        <div className="load-more">
          <p className="muted">{t('common.shownOf', { shown: courses.length, total })}</p>
          <button type="button" className="btn" onClick={() => void load(courses.length)}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}

/** A parent follows each child's courses and progress (read only: the course itself is the child's). */
function ChildCourses({ child }: { child: PersonRef }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => api.childCourses(child.id), [child.id]);
  return (
    <section className="child-courses" aria-labelledby={`child-${child.id}`} data-testid="child-courses">
      <h2 id={`child-${child.id}`}>{t('courses.childTitle', { name: child.displayName })}</h2>
      <ErrorMessage error={error} onRetry={() => void reload()} />
      {loading && <Loading />}
      {data && data.items.length === 0 && <p className="muted">{t('courses.childEmpty')}</p>}
      {data && data.items.length > 0 && (
        <ul className="course-grid">
          {data.items.map((course) => <CourseCard key={course.id} course={course} followOnly />)}
        </ul>
      )}
    </section>
  );
}
