import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../api/lms';
import { Badge, ConfirmButton, ErrorMessage, Field, Loading, Notice } from '../../components/common';
import { formatDateTime } from '../../format';
import { auditActions, privacyApi, type AuditFilter, type AuditLogEntry, type ErasurePartView, type ErasureStatus } from './privacyApi';
import './privacy.css';
import { DateField } from '../../components/DateField';

const pageSize = 20;

/** The institution admin's privacy tab: erasure requests to decide, and the audit log to read. */
export function PrivacyAdmin({ institutionId }: { institutionId: string }) {
  return (
    <div className="privacy-page">
      <ErasureRequests institutionId={institutionId} />
      <AuditLog institutionId={institutionId} />
    </div>
  );
}

/** A page of something, loaded again when its inputs change; `reload` keeps the page. */
function usePaged<T>(load: (skip: number) => Promise<Page<T>>, deps: unknown[]) {
  const [skip, setSkip] = useState(0);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fetchPage = useCallback(load, deps);
  const reload = useCallback(async (at: number) => {
    setError(null);
    try {
      setPage(await fetchPage(at));
      setSkip(at);
    } catch (e) {
      setError(e);
    }
  }, [fetchPage]);
  useEffect(() => { void reload(0); }, [reload]);
  return { page, skip, error, reload };
}

function Pager({ page, skip, onGo }: { page: Page<unknown>; skip: number; onGo: (skip: number) => void }) {
  const { t } = useTranslation();
  if (page.total <= pageSize) return null;
  return (
    <div className="pager">
      <button type="button" className="btn btn-small" disabled={skip === 0} onClick={() => onGo(Math.max(0, skip - pageSize))}>
        {t('privacy.previous')}
      </button>
      <span className="muted small">{t('privacy.pageOf', { from: skip + 1, to: Math.min(skip + pageSize, page.total), total: page.total })}</span>
      <button type="button" className="btn btn-small" disabled={skip + pageSize >= page.total} onClick={() => onGo(skip + pageSize)}>
        {t('privacy.next')}
      </button>
    </div>
  );
}

function ErasureRequests({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ErasureStatus | ''>('open');
  const { page, skip, error, reload } = usePaged(
    (at) => privacyApi.requests(institutionId, status, at, pageSize), [institutionId, status]);

  return (
    <section className="card" data-testid="erasure-requests">
      <h2>{t('privacy.admin.requestsTitle')}</h2>
      <p className="muted">{t('privacy.admin.requestsExplain')}</p>
      <Field label={t('privacy.admin.show')}>
        {(props) => (
          <select {...props} value={status} onChange={(e) => setStatus(e.target.value as ErasureStatus | '')}>
            <option value="open">{t('privacy.status.open')}</option>
            <option value="done">{t('privacy.status.done')}</option>
            <option value="declined">{t('privacy.status.declined')}</option>
            <option value="">{t('privacy.admin.all')}</option>
          </select>
        )}
      </Field>
      <ErrorMessage error={error} onRetry={() => void reload(skip)} />
      {!page ? (!error && <Loading />) : page.items.length === 0 ? <p className="muted">{t('privacy.admin.none')}</p> : (
        <ul className="privacy-list">
          {page.items.map((part) => (
            <ErasureRequest key={part.id} institutionId={institutionId} part={part} onDecided={() => void reload(skip)} />
          ))}
        </ul>
      )}
      {page && <Pager page={page} skip={skip} onGo={(at) => void reload(at)} />}
    </section>
  );
}

function ErasureRequest({ institutionId, part, onDecided }: { institutionId: string; part: ErasurePartView; onDecided: () => void }) {
  const { t, i18n } = useTranslation();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function carryOut() {
    setError(null);
    try {
      const result = await privacyApi.carryOut(institutionId, part.id);
      setDone(t(result.accountErased ? 'privacy.admin.erased' : 'privacy.admin.erasedHere'));
      onDecided();
    } catch (e) {
      setError(e);
    }
  }

  async function decline(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await privacyApi.decline(institutionId, part.id, reason.trim());
      onDecided();
    } catch (e) {
      setError(e);
    }
  }

  const s = part.scope;
  return (
    <li data-testid="erasure-request">
      <p>
        <strong>{part.displayName}</strong> {part.email && <span className="muted">· {part.email}</span>}{' '}
        <Badge tone={`erasure-${part.status}`}>{t(`privacy.status.${part.status}`)}</Badge>
      </p>
      <p className="muted small">{t('privacy.admin.askedAt', { at: formatDateTime(part.requestedAt, i18n.language) })}</p>
      {part.reason && <p className="small">{t('privacy.admin.theirReason', { reason: part.reason })}</p>}
      {part.decisionReason && <p className="small">{t('privacy.mine.declinedBecause', { reason: part.decisionReason })}</p>}
      {part.status === 'open' && (
        <div className="privacy-scope" data-testid="erasure-scope">
          <p><strong>{t('privacy.admin.erases')}</strong></p>
          <p>{t('privacy.admin.scope.chat', { count: s.chatMessages })}</p>
          <p>{t('privacy.admin.scope.files', { count: s.submissionFiles })}</p>
          <p>{t('privacy.admin.scope.identity')}</p>
          <p><strong>{t('privacy.admin.keeps')}</strong></p>
          <p>{t('privacy.admin.scope.attempts', { count: s.quizAttempts })}</p>
          <p>{t('privacy.admin.scope.credentials', { count: s.credentials })}</p>
          <p>{t('privacy.admin.scope.enrolments', { count: s.enrolments })}</p>
          <p>{t('privacy.admin.scope.audit', { count: s.auditEntries })}</p>
          <p className="muted small">{t('privacy.admin.why')}</p>
        </div>
      )}
      {done && <Notice>{done}</Notice>}
      <ErrorMessage error={error} />
      {part.status === 'open' && (
        <div className="actions">
          <ConfirmButton label={t('privacy.admin.carryOut')} confirmLabel={t('privacy.admin.carryOutConfirm')}
                         onConfirm={carryOut} className="btn btn-small btn-danger" />
          {!declining && (
            <button type="button" className="btn btn-small" onClick={() => setDeclining(true)}>{t('privacy.admin.decline')}</button>
          )}
        </div>
      )}
      {part.status === 'open' && declining && (
        <form onSubmit={(e) => void decline(e)} className="privacy-form">
          <Field label={t('privacy.admin.declineReason')} hint={t('privacy.admin.declineHint')}>
            {(props) => (
              <textarea {...props} required value={reason} maxLength={1000} rows={2} onChange={(e) => setReason(e.target.value)} />
            )}
          </Field>
          <button type="submit" className="btn btn-small" disabled={!reason.trim()}>{t('privacy.admin.declineSend')}</button>
        </form>
      )}
    </li>
  );
}

/** A date picked in the viewer's zone as the UTC instant its day starts (the next day's start for "to", so it is included). */
function dayStart(date: string, nextDay = false): string | undefined {
  if (!date) return undefined;
  const day = new Date(`${date}T00:00:00`);
  if (nextDay) day.setDate(day.getDate() + 1);
  return day.toISOString();
}

function AuditLog({ institutionId }: { institutionId: string }) {
  const { t, i18n } = useTranslation();
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const filter: AuditFilter = { action, personId: person?.id, from: dayStart(from), to: dayStart(to, true) };
  const { page, skip, error, reload } = usePaged(
    (at) => privacyApi.audit(institutionId, filter, at, pageSize), [institutionId, action, from, to, person?.id]);

  return (
    <section className="card" data-testid="audit-log">
      <h2>{t('privacy.audit.title')}</h2>
      <p className="muted">{t('privacy.audit.explain')}</p>
      <div className="audit-filters">
        <Field label={t('privacy.audit.action')}>
          {(props) => (
            <select {...props} value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
              <option value="">{t('privacy.audit.anyAction')}</option>
              {auditActions.map((a) => <option key={a} value={a}>{t(`privacy.action.${a}`)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('privacy.audit.from')}>
          {(props) => <DateField {...props} value={from} onChange={setFrom} />}
        </Field>
        <Field label={t('privacy.audit.to')}>
          {(props) => <DateField {...props} value={to} onChange={setTo} />}
        </Field>
      </div>
      {person && (
        <p>
          {t('privacy.audit.onlyPerson', { name: person.name })}{' '}
          <button type="button" className="btn btn-small" onClick={() => setPerson(null)}>{t('privacy.audit.everyone')}</button>
        </p>
      )}
      <ErrorMessage error={error} onRetry={() => void reload(skip)} />
      {!page ? (!error && <Loading />) : page.items.length === 0 ? <p className="muted">{t('privacy.audit.none')}</p> : (
        <ul className="privacy-list">
          {page.items.map((e) => (
            <AuditRow key={e.id} entry={e} language={i18n.language}
                      onPerson={(id, name) => setPerson({ id, name })} />
          ))}
        </ul>
      )}
      {page && <Pager page={page} skip={skip} onGo={(at) => void reload(at)} />}
    </section>
  );
}

function AuditRow({ entry, language, onPerson }: {
  entry: AuditLogEntry; language: string; onPerson: (id: string, name: string) => void;
}) {
  const { t } = useTranslation();
  const subject = entry.subjectKind === 'people' ? t('privacy.audit.peopleList') : entry.subjectName ?? entry.subjectId;
  return (
    <li className="audit-entry" data-testid="audit-entry">
      <p>
        <strong>{t(`privacy.action.${entry.action}`, { defaultValue: entry.action })}</strong>
        {' · '}{subject}
      </p>
      <p className="small">
        {t('privacy.audit.by')}{' '}
        <button type="button" className="link-button" onClick={() => onPerson(entry.actorId, entry.actorName)}>{entry.actorName}</button>
        {entry.subjectKind === 'person' && entry.subjectName && entry.subjectId !== entry.actorId && (
          <> · <button type="button" className="link-button" onClick={() => onPerson(entry.subjectId, entry.subjectName!)}>
            {t('privacy.audit.about', { name: entry.subjectName })}
          </button></>
        )}
      </p>
      <p className="muted small">
        {formatDateTime(entry.at, language)}
        {entry.address && <> · {entry.address}</>}
        {entry.userAgent && <> · {entry.userAgent}</>}
      </p>
      {entry.detail && <p className="detail muted">{entry.detail}</p>}
    </li>
  );
}
