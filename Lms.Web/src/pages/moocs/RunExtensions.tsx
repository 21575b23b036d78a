import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/lms';
import { moocApi, type Run, type RunExtension } from '../../api/moocs';
import { ErrorMessage, Field, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDate } from './format';

/**
 * A run's extensions for its staff: who may keep working past the run's end (and the items' due dates),
 * until when and why; grant one to a learner, or withdraw it.
 */
export function RunExtensionsPanel({ run }: { run: Run }) {
  const { t, i18n } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => moocApi.extensions(run.id), [run.id]);
  const [failed, setFailed] = useState<unknown>(null);
  const withdraw = async (x: RunExtension) => {
    try {
      await moocApi.withdrawExtension(run.id, x.userId);
      setFailed(null);
      void reload();
    } catch (e) {
      setFailed(e);
    }
  };
  return (
    <section className="run-extensions" data-testid="run-extensions">
      <h3>{t('moocs.extensions.title')}</h3>
      <p className="muted small">{t('moocs.extensions.hint')}</p>
      {!data && (loading ? <Loading /> : <ErrorMessage error={error} onRetry={() => void reload()} />)}
      {data && data.length === 0 && <p className="muted small">{t('moocs.extensions.none')}</p>}
      {data && data.length > 0 && (
        <ul className="plain-list">
          {data.map((x) => (
            <li key={x.userId} className="card" data-testid="run-extension">
              <p><strong>{x.learnerName}</strong> · {t('moocs.extensions.until', { date: formatDate(x.until, i18n.language) })}</p>
              <p className="muted small">{x.reason} · {t('moocs.extensions.grantedBy', { name: x.grantedByName, date: formatDate(x.grantedAt, i18n.language) })}</p>
              <button type="button" className="btn btn-small" onClick={() => void withdraw(x)}>{t('moocs.extensions.withdraw')}</button>
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={failed} />
      <GrantForm run={run} onGranted={() => void reload()} />
    </section>
  );
}

function GrantForm({ run, onGranted }: { run: Run; onGranted: () => void }) {
  const { t } = useTranslation();
  const { data: members } = useLoad(() => api.members(run.courseId, 0, 500), [run.courseId]);
  const learners = (members?.items ?? []).filter((p) => p.role === 'student');
  const [userId, setUserId] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const grant = async (event: FormEvent) => {
    event.preventDefault();
    try {
      // The extension lasts to the end of the chosen day in the viewer's own zone.
      await moocApi.grantExtension(run.id, userId, new Date(`${until}T23:59:59`).toISOString(), reason.trim());
      setError(null);
      setReason('');
      onGranted();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="form" onSubmit={grant} data-testid="grant-extension">
      <h4>{t('moocs.extensions.grant')}</h4>
      <Field label={t('moocs.extensions.learner')}>
        {(p) => (
          <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)} required>
            <option value="">{t('moocs.extensions.choose')}</option>
            {learners.map((l) => <option key={l.id} value={l.id}>{l.displayName}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('moocs.extensions.untilLabel')}>
        {(p) => <input {...p} type="date" value={until} onChange={(e) => setUntil(e.target.value)} required />}
      </Field>
      <Field label={t('moocs.extensions.reason')}>
        {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />}
      </Field>
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-small btn-primary">{t('moocs.extensions.grant')}</button>
    </form>
  );
}

/** On a run's course page, for a learner the staff extended: until when they may still work, and why. */
export function MyExtensionNotice({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation();
  const { data } = useLoad(() => moocApi.myExtension(runId), [runId]);
  if (!data) return null;
  return (
    <p className="alert alert-success" role="status" data-testid="my-extension">
      {t('moocs.extensions.mine', { date: formatDate(data.until, i18n.language), reason: data.reason })}
    </p>
  );
}
