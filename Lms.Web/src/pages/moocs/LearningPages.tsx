import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { Course } from '../../api/lms';
import { canTeach } from '../../api/lms';
import { credentialApi, moocApi, type CredentialView } from '../../api/moocs';
import { Badge, ErrorMessage, Loading, ProgressBar, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDate } from './format';
import { MyExtensionNotice } from './RunExtensions';

/** Shown on a MOOC run's course page: the way to the learner's progress, the forum, and (for teachers) the MOOC's settings. */
export function MoocCourseLinks({ course }: { course: Course }) {
  const { t } = useTranslation();
  const { data: run, loading } = useLoad(() => moocApi.runOf(course.id), [course.id]);
  if (loading && run === undefined) return null;
  const learner = course.progress != null;
  // A MOOC course not yet in the catalogue has no run: its teachers start there (it becomes run 1).
  if (!run) {
    return canTeach(course)
      ? <nav className="actions mooc-links" aria-label={t('moocs.links.label')}><Link className="btn btn-small" to={`/moocs/${course.id}/manage`}>{t('moocs.manage.open')}</Link></nav>
      : null;
  }
  return (
    <>
    {learner && <MyExtensionNotice runId={run.id} />}
    <nav className="actions mooc-links" aria-label={t('moocs.links.label')}>
      {learner && <Link className="btn btn-small" to={`/courses/${course.id}/progress`} data-testid="progress-link">{t('moocs.links.progress')}</Link>}
      <Link className="btn btn-small" to={`/courses/${course.id}/forum`} data-testid="forum-link">{t('moocs.links.forum')}</Link>
      {canTeach(course) && <Link className="btn btn-small" to={`/moocs/${run.moocId}/manage`}>{t('moocs.manage.open')}</Link>}
    </nav>
    </>
  );
}

export function MyLearningPage() {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => moocApi.mine(), []);
  useTitle(t('moocs.learning.title'));
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('moocs.learning.title')}</h1>
          <p className="muted">{t('moocs.learning.tagline')}</p>
        </div>
        <div className="actions">
          <Link className="btn" to="/catalogue">{t('moocs.learning.findMore')}</Link>
          <Link className="btn" to="/credentials">{t('credentials.transcript.title')}</Link>
        </div>
      </div>
      <ErrorMessage error={error} onRetry={() => void reload()} />
      {loading && !data && <Loading />}
      {data && data.items.length === 0 && <div className="empty"><p>{t('moocs.learning.empty')}</p></div>}
      {data && data.items.length > 0 && (
        <ul className="course-grid" data-testid="learning-list">
          {data.items.map(({ run, letterGrade }) => (
            <li key={run.runId} className="card course-card" data-testid="learning-card">
              <div className="course-card-badges">
                {run.passedAt
                  ? <Badge tone="published">{t('moocs.learning.passed', { grade: run.grade, letter: letterGrade })}</Badge>
                  : <Badge tone="draft">{t('moocs.learning.inProgress')}</Badge>}
                <Badge tone="kind">{t(`moocs.pace.${run.pace}`)}</Badge>
              </div>
              <h2 className="course-card-title"><Link to={`/courses/${run.courseId}`}>{run.title}</Link></h2>
              <p className="muted small">{t('moocs.learning.enrolledOn', { date: formatDate(run.enrolledAt, i18n.language) })}</p>
              <p className="course-card-actions">
                <Link className="btn btn-small" to={`/courses/${run.courseId}/progress`}>{t('moocs.links.progress')}</Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CredentialLinks({ credential }: { credential: CredentialView }) {
  const { t } = useTranslation();
  return (
    <span className="actions">
      <Link className="btn btn-small" to={`/verify/${credential.id}`} data-testid="verify-link">{t('credentials.verifyLink')}</Link>
      <a className="btn btn-small" href={credentialApi.pdfUrl(credential.id)} download data-testid="pdf-link">{t('credentials.pdf')}</a>
      <a className="btn btn-small btn-quiet" href={credentialApi.jwtUrl(credential.id)} download>{t('credentials.jwt')}</a>
    </span>
  );
}

export function ProgressPage() {
  const { t, i18n } = useTranslation();
  const { courseId = '' } = useParams();
  const { data, error, loading, reload } = useLoad(() => moocApi.standing(courseId), [courseId]);
  useTitle(data ? `${t('moocs.links.progress')} · ${data.courseTitle}` : undefined);
  if (!data) return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  const s = data.standing;
  const left = s.items.filter((i) => i.required && !i.completed);
  const percent = s.requiredTotal === 0 ? 0 : (100 * s.requiredDone) / s.requiredTotal;
  return (
    <div className="page progress-page">
      <p className="breadcrumb"><Link to={`/courses/${courseId}`}>← {data.courseTitle}</Link></p>
      <h1>{t('moocs.progress.title')}</h1>
      <section className="card" aria-labelledby="grade-title">
        <h2 id="grade-title">{t('moocs.progress.grade')}</h2>
        {s.graded ? (
          <p className="grade-line">
            <strong className="grade" data-testid="current-grade" data-grade={s.grade}>{s.grade}%</strong>{' '}
            <span className="muted">{t('moocs.progress.passMark', { mark: s.passMark })}</span>
          </p>
        ) : <p className="muted">{t('moocs.progress.notGraded')}</p>}
        {s.passed ? (
          <p className="alert alert-success" data-testid="passed">{t('moocs.progress.passedOn', { date: formatDate(s.passedAt, i18n.language) })}</p>
        ) : (
          <p className="muted" data-testid="not-passed">{s.passRecorded ? t('moocs.progress.noLongerPasses') : t('moocs.progress.notYet')}</p>
        )}
        {/* What was issued is shown beside what the current rules say. */}
        {s.passRecorded && s.recordedGrade !== null && s.recordedGrade !== s.grade && (
          <p className="muted small" data-testid="recorded-grade">{t('moocs.progress.recordedGrade', { grade: s.recordedGrade })}</p>
        )}
        <ProgressBar percent={percent} label={t('moocs.progress.completion')} testId="completion"
                     detail={t('moocs.progress.requiredDone', { done: s.requiredDone, total: s.requiredTotal })} />
      </section>

      {data.credentials.length > 0 && (
        <section className="card" aria-labelledby="cert-title" data-testid="my-credentials">
          <h2 id="cert-title">{t('moocs.progress.credentials')}</h2>
          <ul className="plain-list">
            {data.credentials.map((c) => (
              <li key={c.id} data-testid="credential" data-kind={c.kind}>
                <strong>{t(`credentials.kind.${c.kind}`)}</strong>
                {c.revokedAt && <> · <Badge tone="draft">{t('credentials.revoked')}</Badge></>}
                <div><CredentialLinks credential={c} /></div>
              </li>
            ))}
          </ul>
        </section>
      )}

      {s.categories.length > 0 && (
        <section className="card" aria-labelledby="cat-title">
          <h2 id="cat-title">{t('moocs.progress.categories')}</h2>
          <div className="table-wrap">
            <table>
              <thead><tr><th>{t('moocs.progress.category')}</th><th>{t('moocs.progress.weight')}</th><th>{t('moocs.progress.score')}</th></tr></thead>
              <tbody>
                {s.categories.map((c) => (
                  <tr key={c.key} data-testid="category-row">
                    <td>{c.name}{c.dropped > 0 && <span className="muted small"> · {t('moocs.progress.dropped', { count: c.dropped })}</span>}</td>
                    <td>{c.weight}%</td>
                    <td>{c.items === 0 ? '—' : `${c.score}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section className="card" aria-labelledby="left-title">
        <h2 id="left-title">{t('moocs.progress.left')}</h2>
        {left.length === 0 ? <p className="muted" data-testid="nothing-left">{t('moocs.progress.nothingLeft')}</p> : (
          <ul className="plain-list" data-testid="items-left">
            {left.map((i) => (
              <li key={i.itemId} data-testid="item-left">
                <Link to={`/courses/${courseId}/items/${i.itemId}`}>{i.title}</Link>
                <span className="muted small"> · {t(`itemKind.${i.kind}`, { defaultValue: i.kind })}</span>
                {i.availableFrom && <span className="muted small"> · {t('moocs.progress.opensOn', { date: formatDate(i.availableFrom, i18n.language) })}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
