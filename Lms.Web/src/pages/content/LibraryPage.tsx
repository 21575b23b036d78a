import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { contentApi, contentTypes, licences, type ContentSearch, type ContentSummary, type Quota } from '../../api/content';
import { adminInstitutions, teachingInstitutions, useMe } from '../../auth/AuthContext';
import { Badge, ErrorMessage, Field, Loading, ProgressBar, useTitle } from '../../components/common';
import { formatDateTime } from '../../format';
import { formatBytes, formatClock } from './format';
import { grades, languages } from './ContentForm';
import './content.css';

const pageSize = 24;
type Scope = 'all' | 'mine' | 'shared';

/** The shared content library: search, filter, browse; storage for admins. */
export function LibraryPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const search: ContentSearch = {
    q: params.get('q') ?? undefined,
    type: params.get('type') ?? undefined,
    subject: params.get('subject') ?? undefined,
    grade: params.get('grade') ?? undefined,
    language: params.get('language') ?? undefined,
    licence: params.get('licence') ?? undefined,
    tag: params.get('tag') ?? undefined,
    scope: (params.get('scope') as Scope | null) ?? 'all',
  };
  const key = params.toString();
  const [text, setText] = useState(search.q ?? '');
  const [items, setItems] = useState<ContentSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const canAdd = teachingInstitutions(me).length > 0;
  useTitle(t('content.library'));

  const load = useCallback(async (skip: number) => {
    setLoading(true);
    setError(null);
    try {
      const page = await contentApi.search({ ...search, skip, take: pageSize });
      setItems((previous) => (skip === 0 ? page.items : [...previous, ...page.items.filter((i) => !previous.some((p) => p.id === i.id))]));
      setTotal(page.total);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => { void load(0); }, [load]);

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    update({ q: text.trim() || undefined });
  }

  return (
    <div className="page library">
      <div className="page-head">
        <div>
          <h1>{t('content.library')}</h1>
          <p className="muted">{t('content.libraryIntro')}</p>
        </div>
        {canAdd && (
          <div className="actions">
            <Link className="btn btn-primary" to="/library/new" data-testid="add-content">{t('content.add')}</Link>
            <Link className="btn" to="/library/record">{t('record.title')}</Link>
          </div>
        )}
      </div>

      <AdminQuotas show={adminInstitutions(me).length > 0} />

      <form className="card form library-search" role="search" onSubmit={submit}>
        <div className="search-row">
          <Field label={t('content.search')}>
            {(props) => (
              <input {...props} type="search" value={text} maxLength={200} placeholder={t('content.searchPlaceholder')}
                     onChange={(e) => setText(e.target.value)} data-testid="library-search" />
            )}
          </Field>
          <button type="submit" className="btn btn-primary">{t('content.searchButton')}</button>
        </div>
        <div className="row">
          <Field label={t('content.field.type')}>
            {(props) => (
              <select {...props} value={search.type ?? ''} onChange={(e) => update({ type: e.target.value || undefined })}>
                <option value="">{t('content.anyType')}</option>
                {contentTypes.map((type) => <option key={type} value={type}>{t(`content.type.${type}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('content.scope')}>
            {(props) => (
              <select {...props} value={search.scope} onChange={(e) => update({ scope: e.target.value === 'all' ? undefined : e.target.value })}>
                {(['all', 'mine', 'shared'] as Scope[]).map((s) => <option key={s} value={s}>{t(`content.scopes.${s}`)}</option>)}
              </select>
            )}
          </Field>
        </div>
        <details className="more-filters" open={Boolean(search.subject || search.grade || search.language || search.licence || search.tag)}>
          <summary>{t('content.moreFilters')}</summary>
          <div className="row">
            <Field label={t('content.field.subject')}>
              {(props) => (
                <input {...props} defaultValue={search.subject ?? ''} maxLength={100}
                       onBlur={(e) => update({ subject: e.target.value.trim() || undefined })}
                       onKeyDown={(e) => {
                         if (e.key !== 'Enter') return;
                         e.preventDefault();
                         update({ subject: e.currentTarget.value.trim() || undefined });
                       }} />
              )}
            </Field>
            <Field label={t('content.field.grade')}>
              {(props) => (
                <select {...props} value={search.grade ?? ''} onChange={(e) => update({ grade: e.target.value || undefined })}>
                  <option value="">{t('content.anyGrade')}</option>
                  {grades.map((g) => <option key={g} value={g}>{t(`content.grade.${g}`)}</option>)}
                </select>
              )}
            </Field>
          </div>
          <div className="row">
            <Field label={t('content.field.language')}>
              {(props) => (
                <select {...props} value={search.language ?? ''} onChange={(e) => update({ language: e.target.value || undefined })}>
                  <option value="">{t('content.anyLanguage')}</option>
                  {languages.map((l) => <option key={l} value={l}>{t(`content.language.${l}`)}</option>)}
                </select>
              )}
            </Field>
            <Field label={t('content.field.licence')}>
              {(props) => (
                <select {...props} value={search.licence ?? ''} onChange={(e) => update({ licence: e.target.value || undefined })}>
                  <option value="">{t('content.anyLicence')}</option>
                  {licences.map((l) => <option key={l} value={l}>{t(`content.licence.${l}`)}</option>)}
                </select>
              )}
            </Field>
          </div>
          {search.tag && (
            <p>
              <Badge tone="class">#{search.tag}</Badge>{' '}
              <button type="button" className="btn btn-small btn-quiet" onClick={() => update({ tag: undefined })}>{t('content.clearTag')}</button>
            </p>
          )}
        </details>
      </form>

      <ErrorMessage error={error} onRetry={() => void load(items.length)} />
      {!loading && !error && items.length === 0 && <div className="empty"><p>{t('content.nothingFound')}</p></div>}
      {items.length > 0 && (
        <>
          <p className="muted small" role="status">{t('content.found', { count: total })}</p>
          <ul className="content-grid" data-testid="library-results">
            {items.map((item) => <ContentCard key={item.id} item={item} onTag={(tag) => update({ tag })} />)}
          </ul>
        </>
      )}
      {loading && <Loading />}
      {!loading && items.length < total && (
        <div className="load-more">
          <p className="muted">{t('common.shownOf', { shown: items.length, total })}</p>
          <button type="button" className="btn" onClick={() => void load(items.length)}>{t('common.loadMore')}</button>
        </div>
      )}
    </div>
  );
}

export function TypeIcon({ type }: { type: string }) {
  const icons: Record<string, string> = { video: '▶', audio: '♪', document: '▤', image: '▨', link: '↗' };
  return <span className={`item-icon item-icon-${type}`} aria-hidden="true">{icons[type] ?? '•'}</span>;
}

function ContentCard({ item, onTag }: { item: ContentSummary; onTag: (tag: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="card content-card" data-testid="content-card">
      <Link to={`/library/${item.id}`} className="content-thumb" tabIndex={-1} aria-hidden="true">
        {item.thumbnailUrl ? <img src={item.thumbnailUrl} alt="" loading="lazy" /> : <span className="content-thumb-icon"><TypeIcon type={item.type} /></span>}
        {item.durationSeconds != null && <span className="content-duration">{formatClock(item.durationSeconds)}</span>}
      </Link>
      <div className="content-card-body">
        <div className="course-card-badges">
          <Badge tone="kind">{t(`content.type.${item.type}`)}</Badge>
          {item.status !== 'ready' && <Badge tone={item.status === 'failed' ? 'failed' : 'draft'}>{t(`content.status.${item.status}`)}</Badge>}
          {item.mine && <Badge tone="role-owner">{t(`content.visibility.${item.visibility}`)}</Badge>}
        </div>
        <h2 className="course-card-title"><Link to={`/library/${item.id}`} data-testid="content-link">{item.title}</Link></h2>
        {(item.subject || item.grade) && (
          <p className="muted small content-card-subject">
            {[item.subject, item.grade ? t(`content.grade.${item.grade}`, { defaultValue: item.grade }) : null].filter(Boolean).join(' · ')}
          </p>
        )}
        {item.tags.length > 0 && (
          <p className="tag-list">
            {item.tags.slice(0, 4).map((tag) => (
              <button key={tag} type="button" className="tag" onClick={() => onTag(tag)}>#{tag}</button>
            ))}
          </p>
        )}
        <p className="course-card-meta muted">
          {item.ownerName} · {item.institutionName} · {formatDateTime(item.updatedAt, i18n.language)}
        </p>
      </div>
    </li>
  );
}

/** Storage used against the quota, for the institutions the person administers. */
function AdminQuotas({ show }: { show: boolean }) {
  const { t, i18n } = useTranslation();
  const [quotas, setQuotas] = useState<Quota[]>([]);
  useEffect(() => {
    if (show) contentApi.myQuotas().then(setQuotas, () => setQuotas([]));
  }, [show]);
  if (quotas.length === 0) return null;
  return (
    <section className="card quota" aria-labelledby="quota-title" data-testid="quota">
      <h2 id="quota-title">{t('content.storage')}</h2>
      {quotas.map((q) => (
        <div key={q.institutionId} className="quota-row">
          <ProgressBar
            percent={q.quotaBytes > 0 ? (q.usedBytes * 100) / q.quotaBytes : 100}
            label={t('content.storageOf', { name: q.institutionName })}
            detail={t('content.storageDetail', {
              used: formatBytes(q.usedBytes, i18n.language), quota: formatBytes(q.quotaBytes, i18n.language), count: q.items,
            })}
            testId="quota-progress"
          />
          <p className="muted small">{q.institutionName}</p>
        </div>
      ))}
    </section>
  );
}
