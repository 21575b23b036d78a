import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { identityApi } from '../../api/identity';
import { useAuth } from '../../auth/AuthContext';
import { formatTime } from '../../format';
import { ConfirmButton, ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { sendAllQueuedAnswers } from '../../auth/browserData';
import i18next from '../../i18n';
import idpWords from '../../i18n/vi/idp.json';

// "Connected apps" (the school systems that sign me in with Lms) is named here, next to where I am signed in.
i18next.addResourceBundle('vi', 'translation', idpWords, true, false);

/** Where I am signed in (device, address, last used); end any of those sessions, or all of them. */
export function SessionsPage() {
  const { t, i18n } = useTranslation();
  const { signOut } = useAuth();
  useTitle(t('account.sessions.title'));
  const { data, error, reload } = useLoad(() => identityApi.sessions(), []);
  const [actionError, setActionError] = useState<unknown>(null);

  async function end(sessionId: string) {
    setActionError(null);
    try {
      await identityApi.endSession(sessionId);
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  async function everywhere() {
    setActionError(null);
    try {
      // Quiz answers queued on this device go first: once every session has ended they could not.
      const unsent = await sendAllQueuedAnswers();
      if (unsent > 0 && !window.confirm(t('shell.unsentAnswers', { count: unsent }))) return;
      await identityApi.signOutEverywhere();
      await signOut({ discardUnsent: true });
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('account.sessions.title')}</h1>
      <p className="muted">{t('account.sessions.explain')}</p>
      <ErrorMessage error={actionError} />
      {error ? <ErrorMessage error={error} onRetry={reload} /> : !data ? <Loading /> : (
        <ul className="session-list" data-testid="sessions">
          {data.map((s) => (
            <li key={s.id} className="card" data-testid="session">
              <p>
                <strong>{s.device ?? t(`account.sessions.kind.${s.kind}`)}</strong>
                {s.current && <> · <span className="badge">{t('account.sessions.current')}</span></>}
              </p>
              <p className="muted small">
                {t('account.sessions.detail', {
                  address: s.address ?? '?', since: formatTime(s.createdAt, i18n.language), seen: formatTime(s.lastSeenAt, i18n.language),
                })}
              </p>
              {!s.current && (
                <ConfirmButton label={t('account.sessions.end')} confirmLabel={t('account.sessions.endConfirm')}
                               onConfirm={() => end(s.id)} />
              )}
            </li>
          ))}
        </ul>
      )}
      <p><Link to="/account/apps" data-testid="idp-apps-link">{t('idp.consents.title')}</Link> · <span className="muted small">{t('idp.consents.explain')}</span></p>
      <div className="actions">
        <ConfirmButton label={t('account.sessions.everywhere')} confirmLabel={t('account.sessions.everywhereConfirm')}
                       onConfirm={everywhere} className="btn btn-danger-quiet" />
      </div>
    </div>
  );
}
