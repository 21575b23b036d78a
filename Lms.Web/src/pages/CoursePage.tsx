import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, canTeach } from '../api/lms';
import { formatDateTime } from '../format';
import { ItemIcon, itemKind } from '../components/itemKinds';
import { Badge, ErrorMessage, Loading, ProgressBar, useTitle } from '../components/common';
import { useLoad } from '../components/useLoad';
import { MoocCourseLinks } from './moocs/LearningPages';
import { CopyCourseButton } from './CopyCourseDialog';

export function CoursePage() {
  const { t, i18n } = useTranslation();
  const { courseId = '', itemId } = useParams();
  const { data: course, setData: setCourse, error, loading, reload } = useLoad(() => api.course(courseId), [courseId]);

  const items = useMemo(() => course?.modules.flatMap((m) => m.items) ?? [], [course]);
  const index = itemId ? items.findIndex((i) => i.id === itemId) : -1;
  const item = index >= 0 ? items[index] : undefined;
  // An opened item names the page (a lesson and a quiz of one course must not read the same).
  useTitle(item && course ? `${item.title} · ${course.title}` : course?.title);
  const learner = course?.progress != null;

  // Opening an item counts it as seen (for the course's students).
  const marked = useRef(new Set<string>());
  // Why opening an item was not counted (the run ended, the item is past its due date), to tell the learner.
  const [notCounted, setNotCounted] = useState<{ itemId: string; error: unknown } | null>(null);
  useEffect(() => {
    if (!course || !item || !learner || item.seen || item.availableFrom || marked.current.has(item.id)) return;
    if (itemKind(item.kind).seenWhenWatched) return;
    marked.current.add(item.id);
    api.markSeen(course.id, item.id).then((progress) => {
      setCourse((current) => current && {
        ...current,
        progress,
        modules: current.modules.map((m) => ({
          ...m,
          items: m.items.map((i) => (i.id === item.id ? { ...i, seen: true } : i)),
        })),
      });
    }).catch((error: unknown) => {
      marked.current.delete(item.id);
      setNotCounted({ itemId: item.id, error });
    });
  }, [course, item, learner, setCourse]);

  // Move focus to the item's heading when one is opened, for keyboards and screen readers.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (itemId) heading.current?.focus();
  }, [itemId]);

  if (!course) {
    return (
      <div className="page">
        {loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}
      </div>
    );
  }

  const teacher = canTeach(course);
  const next = items.find((i) => !i.seen) ?? items[0];
  const progress = course.progress;

  return (
    <div className="page course-page">
      <p className="breadcrumb">
        <Link to="/">← {t('shell.myCourses')}</Link>
      </p>
      <header className={item ? 'course-head compact' : 'course-head'}>
        <div className="course-card-badges">
          <Badge tone={course.status} testId="course-status">{t(`courseStatus.${course.status}`)}</Badge>
          <Badge tone="kind">{t(`courseKind.${course.kind}`)}</Badge>
          <Badge tone={`role-${course.myRole}`} testId="course-role">{t(`courseRole.${course.myRole}`)}</Badge>
        </div>
        {item
          ? <p className="course-title-link"><Link to={`/courses/${course.id}`}>{course.title}</Link></p>
          : <h1>{course.title}</h1>}
        {!item && (
          <p className="muted">
            {course.institutionName}
            <span aria-hidden="true"> · </span>
            {t('courses.updated', { time: formatDateTime(course.updatedAt, i18n.language) })}
          </p>
        )}
        {!item && course.summary && <p className="course-summary">{course.summary}</p>}
        {teacher && (
          <div className="actions">
            <Link className="btn btn-primary" to={`/courses/${course.id}/edit`}>{t('course.edit')}</Link>
            <CopyCourseButton course={course} />
            {course.status === 'draft' && <span className="muted">{t('course.draftNote')}</span>}
          </div>
        )}
        {course.kind === 'mooc' && <MoocCourseLinks course={course} />}
        {progress && (
          <ProgressBar
            percent={progress.percent}
            label={t('course.progress')}
            detail={t('course.progressDetail', { seen: progress.seen, total: progress.total })}
          />
        )}
      </header>

      <div className={item ? 'course-layout has-item' : 'course-layout'}>
        {item && (
          <article className="card item-view" aria-labelledby="item-title" data-testid="item-view">
            <p className="muted item-kind">
              <ItemIcon item={item} named={false} /> {t(`itemKind.${item.kind}`)}
              {learner && item.seen && <span className="seen-note"> · {t('course.seen')}</span>}
            </p>
            <h1 id="item-title" ref={heading} tabIndex={-1}>{item.title}</h1>
            {notCounted?.itemId === item.id && <ErrorMessage error={notCounted.error} />}
            {item.dueAt && <p className="muted small" data-testid="item-due">{t('moocs.assignment.dueAt', { date: formatDateTime(item.dueAt, i18n.language) })}</p>}
            {item.availableFrom ? (
              <p className="alert" data-testid="item-locked">{t('moocs.opensOn', { date: formatDateTime(item.availableFrom, i18n.language) })}</p>
            ) : (() => {
              const { View } = itemKind(item.kind);
              return (
                <Suspense fallback={<Loading />}>
                  <View course={course} item={item} learner={learner} onSeen={() => void reload()} />
                </Suspense>
              );
            })()}
            <nav className="item-nav" aria-label={t('course.itemNavigation')}>
              {index > 0 ? (
                <Link className="btn" to={`/courses/${course.id}/items/${items[index - 1].id}`}>← {t('course.previous')}</Link>
              ) : <span />}
              {index < items.length - 1 ? (
                <Link className="btn btn-primary" to={`/courses/${course.id}/items/${items[index + 1].id}`}>{t('course.next')} →</Link>
              ) : (
                <Link className="btn" to={`/courses/${course.id}`}>{t('course.backToOutline')}</Link>
              )}
            </nav>
          </article>
        )}

        <section className="outline" aria-labelledby="outline-title">
          <div className="outline-head">
            <h2 id="outline-title">{t('course.outline')}</h2>
            {!item && next && (
              <Link className="btn btn-small btn-primary" to={`/courses/${course.id}/items/${next.id}`}>
                {learner && progress && progress.seen > 0 ? t('course.continue') : t('course.start')}
              </Link>
            )}
          </div>
          {course.modules.length === 0 && <p className="muted">{t('course.emptyOutline')}</p>}
          <ol className="outline-modules">
            {course.modules.map((module, m) => (
              <li key={module.id} className="outline-module" data-testid="outline-module">
                <h3>
                  <span className="module-number">{t('course.moduleNumber', { n: m + 1 })}</span> {module.title}
                </h3>
                {module.items.length === 0 ? (
                  <p className="muted small">{t('course.emptyModule')}</p>
                ) : (
                  <ul className="outline-items">
                    {module.items.map((i) => (
                      <li key={i.id} data-testid="outline-item" data-seen={learner ? String(i.seen) : undefined}
                          className={i.id === itemId ? 'outline-item current' : 'outline-item'}>
                        <Link to={`/courses/${course.id}/items/${i.id}`} aria-current={i.id === itemId ? 'page' : undefined}>
                          <ItemIcon item={i} />
                          <span className="outline-item-title">{i.title}</span>
                          {learner && (
                            i.seen
                              ? <span className="seen-mark" title={t('course.seen')}>✓<span className="visually-hidden"> {t('course.seen')}</span></span>
                              : <span className="unseen-mark" aria-hidden="true" />
                          )}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
