import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, type CourseSummary } from '../../api/lms';
import { CourseCard } from '../../components/CourseCard';
import { ErrorMessage, Loading, TabPanel, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { RosterImport } from './RosterImport';
import { RosterExports } from './RosterExports';
import { TwoFactorPolicy } from '../identity/TwoFactorPolicy';
import { SignInProviders } from '../identity/SignInProviders';
import { PeoplePage } from './PeoplePage';
import { ClassesPage } from './ClassesPage';
import { PrivacyAdmin } from '../privacy/PrivacyAdmin';

// OneRoster is an admin's once-a-year task: its code and words load when the roster tab is shown.
const OneRosterImport = lazy(() => import('./OneRosterImport').then((m) => ({ default: m.OneRosterImport })));

type Tab = 'roster' | 'people' | 'classes' | 'courses' | 'privacy';
const tabs: Tab[] = ['roster', 'people', 'classes', 'courses', 'privacy'];

export function InstitutionAdminPage() {
  const { t } = useTranslation();
  const { institutionId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find((x) => x === params.get('tab')) ?? 'roster';
  const institution = useLoad(() => api.institution(institutionId), [institutionId]);
  const classes = useLoad(() => api.classes(institutionId), [institutionId]);
  useTitle(institution.data?.name);

  const setTab = (id: Tab, extra: Record<string, string> = {}) =>
    setParams(id === 'roster' ? {} : { tab: id, ...extra }, { replace: true });

  if (!institution.data) {
    return (
      <div className="page">
        {institution.loading ? <Loading /> : <ErrorMessage error={institution.error} onRetry={() => void institution.reload()} />}
      </div>
    );
  }

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <p className="muted">{t(`institutionKind.${institution.data.kind}`, { defaultValue: institution.data.kind })}</p>
          <h1>{institution.data.name}</h1>
        </div>
      </header>
      {institution.data.myRoles.includes('admin') && <RosterExports institutionId={institutionId} />}
      {institution.data.myRoles.includes('admin') && <TwoFactorPolicy institutionId={institutionId} />}
      {institution.data.myRoles.includes('admin') && <SignInProviders institutionId={institutionId} />}
      <Tabs<Tab>
        label={t('admin.sections')}
        current={tab}
        onChange={(id) => setTab(id)}
        tabs={tabs.filter((id) => id !== 'privacy' || institution.data?.myRoles.includes('admin'))
          .map((id) => ({ id, label: t(`admin.tabs.${id}`) }))}
      />
      <TabPanel id={tab}>
        {tab === 'roster' && (
          <RosterImport institutionId={institutionId} institutionName={institution.data.name}
                        onImported={() => void classes.reload()} />
        )}
        {tab === 'roster' && institution.data.myRoles.includes('admin') && (
          <Suspense fallback={<Loading />}>
            <OneRosterImport institutionId={institutionId} onImported={() => void classes.reload()} />
          </Suspense>
        )}
        {tab === 'people' && <PeoplePage institutionId={institutionId} initialClassId={params.get('classId') ?? ''} />}
        {tab === 'classes' && <ClassesPage institutionId={institutionId} onOpen={(id) => setTab('people', { classId: id })} />}
        {tab === 'courses' && <InstitutionCourses institutionId={institutionId} />}
        {tab === 'privacy' && <PrivacyAdmin institutionId={institutionId} />}
      </TabPanel>
    </div>
  );
}

function InstitutionCourses({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const [courses, setCourses] = useState<CourseSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (skip: number) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.institutionCourses(institutionId, skip, 20);
      setCourses((previous) => (skip === 0 ? page.items : [...previous, ...page.items]));
      setTotal(page.total);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [institutionId]);

  useEffect(() => {
    void load(0);
  }, [load]);

  return (
    <section aria-labelledby="inst-courses-title">
      <h2 id="inst-courses-title" className="visually-hidden">{t('admin.tabs.courses')}</h2>
      <ErrorMessage error={error} onRetry={() => void load(courses.length)} />
      {!loading && courses.length === 0 && !error && <p className="empty">{t('admin.noCourses')}</p>}
      <ul className="course-grid">
        {courses.map((c) => <CourseCard key={c.id} course={c} manage />)}
      </ul>
      {loading && <Loading />}
      {!loading && courses.length < total && (
        <button type="button" className="btn" onClick={() => void load(courses.length)}>{t('common.loadMore')}</button>
      )}
    </section>
  );
}
