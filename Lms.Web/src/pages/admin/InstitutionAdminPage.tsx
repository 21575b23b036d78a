import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, type ClassInfo, type CourseSummary, type Page, type Person, type Role } from '../../api/lms';
import { formatNumber, loginOf } from '../../format';
import { CourseCard } from '../../components/CourseCard';
import { Badge, ErrorMessage, Field, Loading, TabPanel, Tabs, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { RosterImport } from './RosterImport';
import { RosterExports } from './RosterExports';

type Tab = 'roster' | 'people' | 'classes' | 'courses';
const tabs: Tab[] = ['roster', 'people', 'classes', 'courses'];
const roles: Role[] = ['admin', 'teacher', 'student', 'parent'];
const peoplePage = 25;

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
      <Tabs<Tab>
        label={t('admin.sections')}
        current={tab}
        onChange={(id) => setTab(id)}
        tabs={tabs.map((id) => ({ id, label: t(`admin.tabs.${id}`) }))}
      />
      <TabPanel id={tab}>
        {tab === 'roster' && (
          <RosterImport institutionId={institutionId} institutionName={institution.data.name}
                        onImported={() => void classes.reload()} />
        )}
        {tab === 'people' && (
          <PeopleList institutionId={institutionId} classes={classes.data ?? []}
                      initialClass={params.get('class') ?? ''} />
        )}
        {tab === 'classes' && (
          <ClassList classes={classes.data} error={classes.error} loading={classes.loading}
                     onOpen={(name) => setTab('people', { class: name })} />
        )}
        {tab === 'courses' && <InstitutionCourses institutionId={institutionId} />}
      </TabPanel>
    </div>
  );
}

function PeopleList({ institutionId, classes, initialClass }: { institutionId: string; classes: ClassInfo[]; initialClass: string }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [filters, setFilters] = useState({ q: '', role: '', className: initialClass, skip: 0 });
  const [page, setPage] = useState<Page<Person> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setPage(await api.people(institutionId, { ...filters, take: peoplePage }));
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [institutionId, filters]);

  useEffect(() => {
    void load();
  }, [load]);

  function search(event: FormEvent) {
    event.preventDefault();
    setFilters((f) => ({ ...f, q: text.trim(), skip: 0 }));
  }

  const from = page && page.total > 0 ? page.skip + 1 : 0;
  const to = page ? page.skip + page.items.length : 0;

  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title" className="visually-hidden">{t('admin.tabs.people')}</h2>
      <form className="card form filters" onSubmit={search} role="search" data-testid="people-filters">
        <div className="row">
          <Field label={t('people.search')}>
            {(props) => (
              <input {...props} type="search" maxLength={100} placeholder={t('people.searchPlaceholder')} value={text}
                     onChange={(e) => setText(e.target.value)} />
            )}
          </Field>
          <button type="submit" className="btn btn-primary">{t('people.searchButton')}</button>
        </div>
        <div className="row">
          <Field label={t('people.role')}>
            {(props) => (
              <select {...props} value={filters.role} onChange={(e) => setFilters((f) => ({ ...f, role: e.target.value, skip: 0 }))}>
                <option value="">{t('people.allRoles')}</option>
                {roles.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('people.class')}>
            {(props) => (
              <select {...props} value={filters.className}
                      onChange={(e) => setFilters((f) => ({ ...f, className: e.target.value, skip: 0 }))}>
                <option value="">{t('people.allClasses')}</option>
                {classes.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
                {filters.className && !classes.some((c) => c.name === filters.className) && (
                  <option value={filters.className}>{filters.className}</option>
                )}
              </select>
            )}
          </Field>
        </div>
      </form>

      <ErrorMessage error={error} onRetry={() => void load()} />
      {page && (
        <p className="muted" role="status" data-testid="people-count">
          {page.total === 0 ? t('people.none') : t('people.range', {
            from: formatNumber(from, i18n.language), to: formatNumber(to, i18n.language), total: formatNumber(page.total, i18n.language),
          })}
        </p>
      )}
      {page && page.items.length > 0 && (
        <ul className="people-list card" data-testid="people-list" aria-busy={loading}>
          {page.items.map((p) => (
            <li key={`${p.id}-${p.role}`} className="person" data-testid="person">
              <div className="person-main">
                <strong>{p.displayName}</strong>
                <span className="muted small">{loginOf(p)}{p.email && p.nationalId ? ` · ${p.nationalId}` : ''}</span>
              </div>
              <span className="person-badges">
                {p.className && <Badge tone="class">{t('people.classBadge', { name: p.className })}</Badge>}
                <Badge tone={`role-${p.role}`}>{t(`role.${p.role}`)}</Badge>
              </span>
            </li>
          ))}
        </ul>
      )}
      {loading && !page && <Loading />}
      {page && page.total > peoplePage && (
        <nav className="pager" aria-label={t('common.pages')}>
          <button type="button" className="btn" disabled={loading || filters.skip === 0}
                  onClick={() => setFilters((f) => ({ ...f, skip: Math.max(0, f.skip - peoplePage) }))}>
            ← {t('common.previousPage')}
          </button>
          <button type="button" className="btn" disabled={loading || to >= page.total}
                  onClick={() => setFilters((f) => ({ ...f, skip: f.skip + peoplePage }))}>
            {t('common.nextPage')} →
          </button>
        </nav>
      )}
    </section>
  );
}

function ClassList({ classes, error, loading, onOpen }: {
  classes: ClassInfo[] | undefined; error: unknown; loading: boolean; onOpen: (name: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="classes-title">
      <h2 id="classes-title" className="visually-hidden">{t('admin.tabs.classes')}</h2>
      <ErrorMessage error={error} />
      {loading && !classes && <Loading />}
      {classes && classes.length === 0 && <p className="empty">{t('classes.none')}</p>}
      {classes && classes.length > 0 && (
        <ul className="class-grid" data-testid="class-list">
          {classes.map((c) => (
            <li key={c.id} className="card class-card" data-testid="class-card">
              <h3>{c.name}</h3>
              <p className="muted">{t('classes.students', { count: c.students })}</p>
              <button type="button" className="btn btn-small" onClick={() => onOpen(c.name)}
                      aria-label={t('classes.showPeopleOf', { name: c.name })}>
                {t('classes.showPeople')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
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
