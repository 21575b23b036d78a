import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page, Role } from '../../api/lms';
import { peopleApi, type ClassItem, type NameOrder, type PersonDetail, type PersonItem } from '../../api/people';
import { Badge, ConfirmButton, ErrorMessage, Field, Loading, Notice } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText, fieldErrorText, namesAnyField } from '../../errors';
import { formatDateTime, formatNumber } from '../../format';
import { download, rosterImports } from './rosterImportApi';
import { twoFactorApi } from '../../api/twoFactor';

const roles: Role[] = ['admin', 'teacher', 'student', 'parent'];
const pageSize = 25;

interface Filters {
  q: string;
  role: string;
  classId: string;
  sort: NameOrder;
  skip: number;
}

/**
 * An institution's people for its admins: search (without diacritics), filter by class and role, sort by
 * given name or surname, and per person an editor (name, logins, class, disable, remove, merge, history).
 */
export function PeoplePage({ institutionId, initialClassId }: { institutionId: string; initialClassId: string }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [filters, setFilters] = useState<Filters>({ q: '', role: '', classId: initialClassId, sort: 'given', skip: 0 });
  const [page, setPage] = useState<Page<PersonItem> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const classes = useLoad(() => peopleApi.classes(institutionId), [institutionId]);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setPage(await peopleApi.list(institutionId, { ...filters, take: pageSize }));
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
    <section aria-labelledby="people-title" data-testid="people-page">
      <h2 id="people-title" className="visually-hidden">{t('peopleAdmin.title')}</h2>
      <form className="card form filters" onSubmit={search} role="search" data-testid="people-filters">
        <div className="row">
          <Field label={t('peopleAdmin.search')}>
            {(props) => (
              <input {...props} type="search" maxLength={100} placeholder={t('peopleAdmin.searchPlaceholder')} value={text}
                     onChange={(e) => setText(e.target.value)} />
            )}
          </Field>
          <button type="submit" className="btn btn-primary">{t('peopleAdmin.searchButton')}</button>
        </div>
        <div className="row">
          <Field label={t('peopleAdmin.class')}>
            {(props) => (
              <select {...props} value={filters.classId} onChange={(e) => setFilters((f) => ({ ...f, classId: e.target.value, skip: 0 }))}>
                <option value="">{t('peopleAdmin.allClasses')}</option>
                {(classes.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('peopleAdmin.role')}>
            {(props) => (
              <select {...props} value={filters.role} onChange={(e) => setFilters((f) => ({ ...f, role: e.target.value, skip: 0 }))}>
                <option value="">{t('peopleAdmin.allRoles')}</option>
                {roles.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('peopleAdmin.sort')}>
            {(props) => (
              <select {...props} value={filters.sort} data-testid="people-sort"
                      onChange={(e) => setFilters((f) => ({ ...f, sort: e.target.value as NameOrder, skip: 0 }))}>
                <option value="given">{t('peopleAdmin.sortGiven')}</option>
                <option value="surname">{t('peopleAdmin.sortSurname')}</option>
              </select>
            )}
          </Field>
        </div>
      </form>

      <ErrorMessage error={error} onRetry={() => void load()} />
      {page && (
        <p className="muted" role="status" data-testid="people-count">
          {page.total === 0 ? t('peopleAdmin.none') : t('peopleAdmin.range', {
            from: formatNumber(from, i18n.language), to: formatNumber(to, i18n.language), total: formatNumber(page.total, i18n.language),
          })}
        </p>
      )}
      {page && page.items.length > 0 && (
        <ul className="people-list card" data-testid="people-list" aria-busy={loading}>
          {page.items.map((p) => (
            <li key={p.id} className="person" data-testid="person">
              <div className="person-main">
                <strong>{p.displayName}</strong>
                <span className="muted small">{[p.email, p.phone, p.nationalId].filter(Boolean).join(' · ')}</span>
              </div>
              <span className="person-badges">
                {p.className && <Badge tone="class">{p.className}</Badge>}
                {p.roles.map((r) => <Badge key={r} tone={`role-${r}`}>{t(`role.${r}`)}</Badge>)}
                {p.disabled && <Badge tone="draft">{t('peopleAdmin.disabledBadge')}</Badge>}
              </span>
              <button type="button" className="btn btn-small" onClick={() => setEditing(p.id)}
                      aria-label={t('peopleAdmin.editTitle', { name: p.displayName })}>
                {t('peopleAdmin.edit')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {loading && !page && <Loading />}
      {page && page.total > pageSize && (
        <nav className="pager" aria-label={t('common.pages')}>
          <button type="button" className="btn" disabled={loading || filters.skip === 0}
                  onClick={() => setFilters((f) => ({ ...f, skip: Math.max(0, f.skip - pageSize) }))}>
            ← {t('common.previousPage')}
          </button>
          <button type="button" className="btn" disabled={loading || to >= page.total}
                  onClick={() => setFilters((f) => ({ ...f, skip: f.skip + pageSize }))}>
            {t('common.nextPage')} →
          </button>
        </nav>
      )}
      {editing && (
        <PersonDialog institutionId={institutionId} userId={editing} classes={classes.data ?? []}
                      onChanged={() => void load()} onClose={() => setEditing(null)} />
      )}
    </section>
  );
}

/** One person's editor, in a modal dialog (full width on a phone). */
function PersonDialog({ institutionId, userId, classes, onChanged, onClose }: {
  institutionId: string; userId: string; classes: ClassItem[]; onChanged: () => void; onClose: () => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const person = useLoad(() => peopleApi.get(institutionId, userId), [institutionId, userId]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [historyVersion, setHistoryVersion] = useState(0);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  async function act(work: () => Promise<string | null>, reload = true) {
    setError(null);
    setNotice(null);
    try {
      const message = await work();
      setNotice(message);
      if (reload) await person.reload();
      setHistoryVersion((v) => v + 1);
      onChanged();
    } catch (e) {
      setError(e);
    }
  }

  const p = person.data;
  return (
    <dialog ref={dialog} className="person-dialog" aria-labelledby="person-dialog-title" onClose={onClose} data-testid="person-dialog">
      <header className="person-dialog-head">
        <h2 id="person-dialog-title">{p ? t('peopleAdmin.editTitle', { name: p.displayName }) : t('common.loading')}</h2>
        <button type="button" className="btn btn-small" onClick={() => dialog.current?.close()}>{t('peopleAdmin.close')}</button>
      </header>
      {!p && (person.loading ? <Loading /> : <ErrorMessage error={person.error} onRetry={() => void person.reload()} />)}
      {notice && <Notice testId="person-notice">{notice}</Notice>}
      {error != null && !namesAnyField(error, [...identityFields]) && <p className="field-error" role="alert" data-testid="person-error">{errorText(t, error)}</p>}
      {p && (
        <>
          <IdentityForm person={p} error={error}
                        onSave={(change) => act(async () => { await peopleApi.change(institutionId, userId, change); return t('peopleAdmin.saved'); })} />
          {p.roles.includes('student') && (
            <MoveForm classes={classes} current={p.classes.find((c) => !c.archived)?.id ?? ''}
                      onMove={(classId) => act(async () => {
                        const moved = await peopleApi.move(institutionId, userId, classId);
                        return moved.from.length > 0
                          ? t('peopleAdmin.moved', { from: moved.from.join(', '), to: moved.to, left: moved.coursesLeft, joined: moved.coursesJoined })
                          : t('peopleAdmin.movedFromNone', { to: moved.to, joined: moved.coursesJoined });
                      })} />
          )}
          <div className="person-dialog-actions">
            {p.madeHere && (p.disabled
              ? <button type="button" className="btn btn-small" onClick={() => void act(async () => {
                  await peopleApi.setDisabled(institutionId, userId, false); return null;
                })}>{t('peopleAdmin.enable')}</button>
              : <ConfirmButton label={t('peopleAdmin.disable')} confirmLabel={t('peopleAdmin.disableConfirm')}
                               onConfirm={() => act(async () => { await peopleApi.setDisabled(institutionId, userId, true); return null; })} />)}
            {p.madeHere && (
              <ConfirmButton label={t('peopleAdmin.resetSignIn')} confirmLabel={t('peopleAdmin.resetSignInConfirm')}
                             onConfirm={() => act(async () => {
                               download(await rosterImports.resetSignIn(institutionId, userId), `phieu-dang-nhap-${p.displayName}.pdf`);
                               return t('peopleAdmin.resetSignInDone');
                             }, false)} />
            )}
            {p.madeHere && (p.roles.includes('teacher') || p.roles.includes('admin')) && (
              <ConfirmButton label={t('twoFactor.reset.button')} confirmLabel={t('twoFactor.reset.confirm')}
                             onConfirm={() => act(async () => { await twoFactorApi.reset(institutionId, userId); return t('twoFactor.reset.done'); })} />
            )}
            <ConfirmButton label={t('peopleAdmin.remove')} confirmLabel={t('peopleAdmin.removeConfirm')}
                           onConfirm={() => act(async () => {
                             await peopleApi.remove(institutionId, userId);
                             dialog.current?.close();
                             return null;
                           }, false)} />
          </div>
          {p.madeHere && (
            <MergeForm institutionId={institutionId} keptId={userId}
                       onMerge={(retiredId) => act(async () => { await peopleApi.merge(institutionId, userId, retiredId); return t('peopleAdmin.merged'); })} />
          )}
          <History institutionId={institutionId} userId={userId} version={historyVersion} />
        </>
      )}
    </dialog>
  );
}

const identityFields = ['displayName', 'email', 'phone', 'nationalId'] as const;

function IdentityForm({ person, error, onSave }: {
  person: PersonDetail; error: unknown; onSave: (change: Record<string, string>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState({
    displayName: person.displayName, email: person.email ?? '', phone: person.phone ?? '', nationalId: person.nationalId ?? '',
  });
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Only what changed is sent: an empty field clears that login.
    const change: Record<string, string> = {};
    if (values.displayName !== person.displayName) change.displayName = values.displayName;
    if (values.email !== (person.email ?? '')) change.email = values.email;
    if (values.phone !== (person.phone ?? '')) change.phone = values.phone;
    if (values.nationalId !== (person.nationalId ?? '')) change.nationalId = values.nationalId;
    if (Object.keys(change).length === 0) return;
    setSaving(true);
    try {
      await onSave(change);
    } finally {
      setSaving(false);
    }
  }

  const types: Record<(typeof identityFields)[number], string> = { displayName: 'text', email: 'email', phone: 'tel', nationalId: 'text' };
  return (
    <form className="form" onSubmit={submit} data-testid="identity-form">
      {!person.madeHere && <p className="muted">{t('peopleAdmin.notMadeHere')}</p>}
      {identityFields.map((field) => (
        <Field key={field} label={t(`peopleAdmin.${field}`)} hint={field === 'phone' ? t('peopleAdmin.phoneHint') : undefined}
               error={fieldErrorText(t, error, field)}>
          {(props) => (
            <input {...props} type={types[field]} value={values[field]} disabled={!person.madeHere}
                   inputMode={field === 'nationalId' ? 'numeric' : undefined}
                   onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))} />
          )}
        </Field>
      ))}
      {person.madeHere && (
        <button type="submit" className="btn btn-primary" disabled={saving}>{saving ? t('common.saving') : t('common.save')}</button>
      )}
    </form>
  );
}

function MoveForm({ classes, current, onMove }: { classes: ClassItem[]; current: string; onMove: (classId: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [classId, setClassId] = useState('');
  return (
    <form className="form row" onSubmit={(e) => { e.preventDefault(); if (classId) void onMove(classId); }} data-testid="move-form">
      <Field label={t('peopleAdmin.moveTo')}>
        {(props) => (
          <select {...props} value={classId} onChange={(e) => setClassId(e.target.value)}>
            <option value="">{t('peopleAdmin.chooseClass')}</option>
            {classes.filter((c) => c.id !== current).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        )}
      </Field>
      <button type="submit" className="btn" disabled={!classId}>{t('peopleAdmin.move')}</button>
    </form>
  );
}

function MergeForm({ institutionId, keptId, onMerge }: { institutionId: string; keptId: string; onMerge: (retiredId: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [found, setFound] = useState<PersonItem[] | null>(null);

  async function search(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    const page = await peopleApi.list(institutionId, { q: text.trim(), take: 10 });
    setFound(page.items.filter((p) => p.id !== keptId));
  }

  return (
    <details className="merge">
      <summary>{t('peopleAdmin.merge')}</summary>
      <p className="muted small">{t('peopleAdmin.mergeHint')}</p>
      <form className="form row" onSubmit={search} role="search">
        <Field label={t('peopleAdmin.mergeSearch')}>
          {(props) => <input {...props} type="search" maxLength={100} value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <button type="submit" className="btn">{t('peopleAdmin.searchButton')}</button>
      </form>
      {found && found.length === 0 && <p className="muted">{t('peopleAdmin.none')}</p>}
      {found && found.length > 0 && (
        <ul className="people-list">
          {found.map((p) => (
            <li key={p.id} className="person">
              <div className="person-main">
                <strong>{p.displayName}</strong>
                <span className="muted small">{[p.className, p.email, p.phone, p.nationalId].filter(Boolean).join(' · ')}</span>
              </div>
              <ConfirmButton label={t('peopleAdmin.mergeWith', { name: p.displayName })} confirmLabel={t('peopleAdmin.mergeConfirm')}
                             onConfirm={() => onMerge(p.id)} />
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function History({ institutionId, userId, version }: { institutionId: string; userId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const audit = useLoad(() => peopleApi.audit(institutionId, userId), [institutionId, userId, version]);
  return (
    <section aria-labelledby="person-history" className="person-history">
      <h3 id="person-history">{t('peopleAdmin.history')}</h3>
      <ErrorMessage error={audit.error} />
      {audit.data && audit.data.items.length === 0 && <p className="muted">{t('peopleAdmin.noHistory')}</p>}
      {audit.data && audit.data.items.length > 0 && (
        <ul className="audit-list" data-testid="person-history">
          {audit.data.items.map((entry) => (
            <li key={entry.id}>
              <strong>{t(`peopleAdmin.action.${entry.action}`, { defaultValue: entry.action })}</strong>
              <span className="muted small"> {t('peopleAdmin.historyEntry', { when: formatDateTime(entry.at, i18n.language), who: entry.actorName })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
