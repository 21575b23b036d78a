import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { identityProviderApi, type ProviderClient } from '../../api/identityProvider';
import { ConfirmButton, ErrorMessage, Field, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import i18n from '../../i18n';
import words from '../../i18n/vi/idp.json';

i18n.addResourceBundle('vi', 'translation', words, true, false);

// openid is always granted; the others are ticked by the admin.
const optionalScopes = ['profile', 'email', 'national_id', 'offline_access'] as const;

interface Created { client: ProviderClient; secret: string | null | undefined; issuer: string }

/**
 * A platform admin registers the school's other systems (library, canteen, portal) that sign people in with Lms:
 * name, exact redirect URIs, the information they may ask for, with a secret (shown once) or public with PKCE.
 */
export function ProviderClientsPage() {
  const { t } = useTranslation();
  useTitle(t('idp.clients.title'));
  const { data, error, reload } = useLoad(() => identityProviderApi.clients(), []);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [redirects, setRedirects] = useState('');
  const [scopes, setScopes] = useState<string[]>(['profile', 'email']);
  const [confidential, setConfidential] = useState(true);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [created, setCreated] = useState<Created | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    try {
      const answer = await identityProviderApi.register({
        displayName: name, redirectUris: redirects.split(/\s+/).filter(Boolean), scopes: ['openid', ...scopes], confidential,
      });
      setCreated({ client: answer.client, secret: answer.clientSecret, issuer: answer.issuer });
      setOpen(false);
      setName('');
      setRedirects('');
      await reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string) {
    setSaveError(null);
    try {
      await identityProviderApi.remove(id);
      await reload();
    } catch (e) {
      setSaveError(e);
    }
  }

  const toggle = (scope: string, on: boolean) => setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)));
  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('idp.clients.title')}</h1>
      <p className="muted">{t('idp.clients.explain')}</p>
      <p className="small mono">{t('idp.clients.issuer', { issuer: `${window.location.origin}/` })}</p>
      {created && (
        <div className="alert alert-success" role="status" data-testid="idp-client-created">
          <p><strong>{created.client.displayName}</strong></p>
          <dl className="small">
            <dt>{t('idp.clients.clientId')}</dt><dd className="mono">{created.client.clientId}</dd>
            {created.secret && <><dt>{t('idp.clients.secret')}</dt><dd className="mono" data-testid="idp-client-secret">{created.secret}</dd></>}
          </dl>
          {created.secret && <p className="small">{t('idp.clients.secretOnce')}</p>}
        </div>
      )}
      <ErrorMessage error={saveError} />
      {error ? <ErrorMessage error={error} onRetry={reload} /> : !data ? <Loading /> : (
        <>
          {data.length === 0 && <p>{t('idp.clients.none')}</p>}
          <ul className="session-list" data-testid="idp-clients">
            {data.map((c) => (
              <li key={c.id} className="card" data-testid="idp-client">
                <p>
                  <strong>{c.displayName}</strong>{' '}
                  <span className="muted small">{c.confidential ? t('idp.clients.kindConfidential') : t('idp.clients.kindPublic')}</span>
                </p>
                <dl className="small">
                  <dt>{t('idp.clients.clientId')}</dt><dd className="mono">{c.clientId}</dd>
                  <dt>{t('idp.clients.redirectUris')}</dt>
                  {c.redirectUris.map((u) => <dd key={u} className="mono">{u}</dd>)}
                  <dt>{t('idp.clients.scopes')}</dt><dd>{c.scopes.join(' ')}</dd>
                </dl>
                <ConfirmButton label={t('idp.clients.remove')} confirmLabel={t('idp.clients.removeConfirm', { name: c.displayName })}
                               onConfirm={() => remove(c.id)} />
              </li>
            ))}
          </ul>
        </>
      )}
      {!open ? (
        <button type="button" className="btn" onClick={() => { setOpen(true); setCreated(null); }}>{t('idp.clients.add')}</button>
      ) : (
        <form onSubmit={save} noValidate className="card" data-testid="idp-client-form">
          <Field label={t('idp.clients.name')}>
            {(props) => <input {...props} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t('idp.clients.redirectUris')} hint={t('idp.clients.redirectHint')}>
            {(props) => <textarea {...props} rows={3} value={redirects} onChange={(e) => setRedirects(e.target.value)} />}
          </Field>
          <fieldset>
            <legend>{t('idp.clients.scopes')}</legend>
            {optionalScopes.map((s) => (
              <div className="field-check" key={s}>
                <input id={`idp-scope-${s}`} type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.target.checked)} />
                <label htmlFor={`idp-scope-${s}`}>{t(`idp.scope.${s}`)}</label>
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('idp.clients.kind')}</legend>
            <div className="field-check">
              <input id="idp-kind-confidential" type="radio" name="idp-kind" checked={confidential} onChange={() => setConfidential(true)} />
              <label htmlFor="idp-kind-confidential">{t('idp.clients.confidential')}</label>
            </div>
            <div className="field-check">
              <input id="idp-kind-public" type="radio" name="idp-kind" checked={!confidential} onChange={() => setConfidential(false)} />
              <label htmlFor="idp-kind-public">{t('idp.clients.public')}</label>
            </div>
          </fieldset>
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>{t('idp.clients.save')}</button>
            <button type="button" className="btn btn-quiet" onClick={() => setOpen(false)}>{t('idp.clients.cancel')}</button>
          </div>
        </form>
      )}
    </div>
  );
}
