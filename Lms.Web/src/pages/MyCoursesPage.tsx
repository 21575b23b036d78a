import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, type CourseSummary } from '../api/lms';
import { teachingInstitutions, useMe } from '../auth/AuthContext';
import { CourseCard } from '../components/CourseCard';
import { ErrorMessage, Loading, useTitle } from '../components/common';

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

      <ErrorMessage error={error} onRetry={() => void load(courses.length)} />

      {!loading && !error && courses.length === 0 && (
        <div className="empty">
          <p>{canCreate ? t('courses.emptyTeacher') : t('courses.emptyStudent')}</p>
        </div>
      )}

      {courses.length > 0 && (
        <ul className="course-grid" aria-label={t('courses.title')} data-testid="course-list">
          {courses.map((course) => <CourseCard key={course.id} course={course} />)}
        </ul>
      )}

      {loading && <Loading />}

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
