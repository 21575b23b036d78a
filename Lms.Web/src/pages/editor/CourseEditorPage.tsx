import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, canTeach } from '../../api/lms';
import { Badge, ErrorMessage, Loading, Notice, TabPanel, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { DetailsForm } from './DetailsForm';
import { MembersPanel } from './MembersPanel';
import { OutlineEditor } from './OutlineEditor';

type Tab = 'outline' | 'details' | 'members';

export function CourseEditorPage() {
  const { t } = useTranslation();
  const { courseId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'details' ? 'details' : params.get('tab') === 'members' ? 'members' : 'outline';
  const { data: course, setData: setCourse, error, loading, reload } = useLoad(() => api.course(courseId), [courseId]);
  const [busy, setBusy] = useState(false);
  const [statusError, setStatusError] = useState<unknown>(null);
  const [statusNote, setStatusNote] = useState<string | null>(null);
  useTitle(course ? t('editor.pageTitle', { title: course.title }) : undefined);

  if (!course) {
    return <div className="page">{loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />}</div>;
  }
  if (!canTeach(course)) {
    return (
      <div className="page">
        <p className="alert alert-error" role="alert">{t('problem.forbidden')}</p>
        <Link to={`/courses/${course.id}`}>{t('editor.viewCourse')}</Link>
      </div>
    );
  }

  const published = course.status === 'published';
  const itemCount = course.modules.reduce((sum, m) => sum + m.items.length, 0);

  async function toggleStatus() {
    if (!course) return;
    setBusy(true);
    setStatusError(null);
    setStatusNote(null);
    try {
      if (published) await api.unpublish(course.id);
      else await api.publish(course.id);
      await reload();
      setStatusNote(published ? t('editor.unpublished') : t('editor.published'));
    } catch (e) {
      setStatusError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page editor">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <header className="editor-head">
        <div>
          <div className="course-card-badges">
            <Badge tone={course.status} testId="course-status">{t(`courseStatus.${course.status}`)}</Badge>
            <Badge tone="kind">{t(`courseKind.${course.kind}`)}</Badge>
          </div>
          <h1>{course.title}</h1>
          <p className="muted">
            {course.institutionName}
            <span aria-hidden="true"> · </span>
            {t('editor.counts', { modules: course.modules.length, items: itemCount })}
          </p>
        </div>
        <div className="actions">
          <button type="button" className={published ? 'btn' : 'btn btn-primary'} disabled={busy}
                  onClick={() => void toggleStatus()} data-testid="publish-toggle">
            {published ? t('editor.unpublish') : t('editor.publish')}
          </button>
          <Link className="btn btn-quiet" to={`/courses/${course.id}`}>{t('editor.viewCourse')}</Link>
        </div>
      </header>
      {statusNote && <Notice testId="status-note">{statusNote}</Notice>}
      <ErrorMessage error={statusError} />
      {!published && <p className="hint">{t('editor.draftHint')}</p>}

      <Tabs<Tab>
        label={t('editor.sections')}
        current={tab}
        onChange={(id) => setParams(id === 'outline' ? {} : { tab: id }, { replace: true })}
        tabs={[
          { id: 'outline', label: t('editor.tabs.outline') },
          { id: 'details', label: t('editor.tabs.details') },
          { id: 'members', label: t('editor.tabs.members') },
        ]}
      />
      <TabPanel id={tab}>
        {tab === 'outline' && <OutlineEditor course={course} onChanged={reload} />}
        {tab === 'details' && <DetailsForm key={course.id} course={course} onSaved={setCourse} />}
        {tab === 'members' && <MembersPanel course={course} />}
      </TabPanel>
    </div>
  );
}
