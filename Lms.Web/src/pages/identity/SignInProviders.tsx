import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { schoolSignInApi, type SignInProvider } from '../../api/schoolSignIn';
import { ConfirmButton, ErrorMessage, Field } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import i18n from '../../i18n';
import words from '../../i18n/vi/signinproviders.json';
import idpWords from '../../i18n/vi/idp.json';
import { Link } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';

// The Vietnamese words of this admin section come with it, not with every page (English holds every file: i18n/en.ts).
i18n.addResourceBundle('vi', 'translation', words, true, false);
i18n.addResourceBundle('vi', 'translation', idpWords, true, false);

interface Draft {
  displayName: string; issuer: string; clientId: string; clientSecret: string; domains: string;
  createsAccounts: boolean; newPersonRole: 'student' | 'teacher';
}

const empty: Draft = {
  displayName: '', issuer: '', clientId: '', clientSecret: '', domains: '', createsAccounts: false, newPersonRole: 'student',
};

function draftOf(p: SignInProvider): Draft {
  return {
    displayName: p.displayName, issuer: p.issuer, clientId: p.clientId, clientSecret: '', domains: p.domains.join('\n'),
    createsAccounts: p.createsAccounts, newPersonRole: p.newPersonRole === 'teacher' ? 'teacher' : 'student',
  };
}

/**
 * The institution's OpenID Connect providers on its admin page: connect, change, disconnect. The client secret is
 * written, never read back (the server only says one is stored).
 */
export function SignInProviders({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { data, error, reload } = useLoad(() => schoolSignInApi.list(institutionId), [institutionId]);
  // null: no form open; '' : a new provider; an id: that provider.
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(empty);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  function open(provider: SignInProvider | null) {
    setEditing(provider?.id ?? '');
    setDraft(provider ? draftOf(provider) : empty);
    setSaveError(null);
    setSaved(false);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    const body = {
      displayName: draft.displayName, issuer: draft.issuer, clientId: draft.clientId,
      clientSecret: draft.clientSecret.trim() ? draft.clientSecret : null,
      domains: draft.domains.split(/[\s,;]+/).filter(Boolean),
      createsAccounts: draft.createsAccounts, newPersonRole: draft.createsAccounts ? draft.newPersonRole : null,
    };
    try {
      if (editing) await schoolSignInApi.update(institutionId, editing, body);
      else await schoolSignInApi.create(institutionId, body);
      setEditing(null);
      setSaved(true);
      await reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  }

  async function remove(providerId: string) {
    setSaveError(null);
    try {
      await schoolSignInApi.remove(institutionId, providerId);
      await reload();
    } catch (e) {
      setSaveError(e);
    }
  }

  if (error) return <ErrorMessage error={error} onRetry={() => void reload()} />;
  if (!data) return null;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <section className="card" aria-labelledby="sign-in-providers-title" data-testid="sign-in-providers">
      <h2 id="sign-in-providers-title">{t('schoolSignIn.admin.title')}</h2>
      <p className="muted small">{t('schoolSignIn.admin.explain')}</p>
      {/* The other direction (Lms signs people in to the school's other systems) is the platform admin's. */}
      {me?.platformAdmin && <p className="small"><Link to="/admin/idp">{t('idp.clients.title')}</Link></p>}
      {data.length === 0 && <p>{t('schoolSignIn.admin.none')}</p>}
      <ul className="plain-list">
        {data.map((p) => (
          <li key={p.id} data-testid="sign-in-provider">
            <strong>{p.displayName}</strong> <span className="muted small">{p.domains.join(', ')}</span>
            <dl className="small">
              <dt>{t('schoolSignIn.admin.redirectUri')}</dt><dd className="mono">{p.redirectUri}</dd>
              <dt>{t('schoolSignIn.admin.signInUrl')}</dt><dd className="mono">{p.signInUrl}</dd>
              <dt>{t('schoolSignIn.admin.newPersonRole')}</dt>
              <dd>{p.createsAccounts && p.newPersonRole ? t(`schoolSignIn.admin.roles.${p.newPersonRole}`) : t('schoolSignIn.admin.rosterOnly')}</dd>
            </dl>
            <button type="button" className="btn btn-small" onClick={() => open(p)}>{t('schoolSignIn.admin.edit')}</button>{' '}
            <ConfirmButton label={t('schoolSignIn.admin.remove')} confirmLabel={t('schoolSignIn.admin.removeConfirm', { name: p.displayName })}
                           onConfirm={() => remove(p.id)} />
          </li>
        ))}
      </ul>
      {editing === null ? (
        <button type="button" className="btn" onClick={() => open(null)}>{t('schoolSignIn.admin.add')}</button>
      ) : (
        <form onSubmit={save} noValidate data-testid="sign-in-provider-form">
          <Field label={t('schoolSignIn.admin.displayName')}>
            {(props) => <input {...props} required maxLength={100} value={draft.displayName} onChange={(e) => set('displayName', e.target.value)} />}
          </Field>
          <Field label={t('schoolSignIn.admin.issuer')} hint={t('schoolSignIn.admin.issuerHint')}>
            {(props) => <input {...props} required type="url" inputMode="url" maxLength={200} value={draft.issuer}
                               onChange={(e) => set('issuer', e.target.value)} />}
          </Field>
          <Field label={t('schoolSignIn.admin.clientId')}>
            {(props) => <input {...props} required maxLength={200} value={draft.clientId} onChange={(e) => set('clientId', e.target.value)} />}
          </Field>
          <Field label={t('schoolSignIn.admin.clientSecret')} hint={editing ? t('schoolSignIn.admin.secretKept') : undefined}>
            {(props) => <input {...props} type="password" autoComplete="off" maxLength={1000} value={draft.clientSecret}
                               onChange={(e) => set('clientSecret', e.target.value)} />}
          </Field>
          <Field label={t('schoolSignIn.admin.domains')} hint={t('schoolSignIn.admin.domainsHint')}>
            {(props) => <textarea {...props} rows={3} value={draft.domains} onChange={(e) => set('domains', e.target.value)} />}
          </Field>
          <div className="field-check">
            <input id="provider-creates-accounts" type="checkbox" checked={draft.createsAccounts}
                   onChange={(e) => set('createsAccounts', e.target.checked)} />
            <label htmlFor="provider-creates-accounts">{t('schoolSignIn.admin.createsAccounts')}</label>
          </div>
          {draft.createsAccounts && (
            <Field label={t('schoolSignIn.admin.newPersonRole')}>
              {(props) => (
                <select {...props} value={draft.newPersonRole} onChange={(e) => set('newPersonRole', e.target.value === 'teacher' ? 'teacher' : 'student')}>
                  <option value="student">{t('schoolSignIn.admin.roles.student')}</option>
                  <option value="teacher">{t('schoolSignIn.admin.roles.teacher')}</option>
                </select>
              )}
            </Field>
          )}
          <ErrorMessage error={saveError} />
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('schoolSignIn.admin.save')}</button>{' '}
          <button type="button" className="btn" onClick={() => setEditing(null)}>{t('schoolSignIn.admin.cancel')}</button>
        </form>
      )}
      {editing === null && <ErrorMessage error={saveError} />}
      {saved && <p className="small" role="status">{t('schoolSignIn.admin.saved')}</p>}
    </section>
  );
}
