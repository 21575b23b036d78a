import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { CourseSummary } from '../api/lms';
import { formatDateTime } from '../format';
import { Badge, ProgressBar } from './common';

/** `followOnly`: a parent's view of a child's course: no link into a course they are not enrolled in. */
export function CourseCard({ course, manage = false, followOnly = false }: {
  course: CourseSummary; manage?: boolean; followOnly?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const teaches = manage || course.myRole === 'owner' || course.myRole === 'teacher';
  return (
    <li className="card course-card" data-testid="course-card" data-course-id={course.id}>
      <div className="course-card-badges">
        {course.myRole && (
          <Badge tone={`role-${course.myRole}`} testId="course-role">{t(`courseRole.${course.myRole}`)}</Badge>
        )}
        <Badge tone={course.status} testId="course-status">{t(`courseStatus.${course.status}`)}</Badge>
        <Badge tone="kind">{t(`courseKind.${course.kind}`)}</Badge>
      </div>
      <h2 className="course-card-title">
        {followOnly ? course.title : <Link to={`/courses/${course.id}`} data-testid="course-link">{course.title}</Link>}
      </h2>
      {course.summary && <p className="course-card-summary">{course.summary}</p>}
      <p className="course-card-meta muted">
        <span>{course.institutionName}</span>
        <span aria-hidden="true"> · </span>
        <span>{t('courses.updated', { time: formatDateTime(course.updatedAt, i18n.language) })}</span>
      </p>
      {course.myRole === 'student' && course.itemsTotal > 0 && (
        <ProgressBar small testId="course-progress" percent={(100 * course.itemsSeen) / course.itemsTotal}
                     label={t('course.progress')}
                     detail={t('course.progressDetail', { seen: course.itemsSeen, total: course.itemsTotal })} />
      )}
      {teaches && (
        <p className="course-card-actions">
          <Link className="btn btn-small" to={`/courses/${course.id}/edit`}>
            {t('course.edit')}
          </Link>
        </p>
      )}
    </li>
  );
}
