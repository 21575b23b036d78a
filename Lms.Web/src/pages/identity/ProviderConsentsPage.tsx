import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { identityProviderApi } from '../../api/identityProvider';
import { formatTime } from '../../format';
import { ConfirmButton, ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import i18n from '../../i18n';
import words from '../../i18n/vi/idp.json';

// The Vietnamese words of these pages come with them, not with every page (English holds every file: i18n/en.ts).
i18n.addResourceBundle('vi', 'translation', words, true, false);

/** The school systems I let sign me in with my Lms account, what each may know; withdraw any of them. */
export function ProviderConsentsPage() {
  const { t, i18n: current } = useTranslation();
  useTitle(t('idp.consents.title'));
  const { data, error, reload } = useLoad(() => identityProviderApi.consents(), []);
  const [actionError, setActionError] = useState<unknown>(null);

  async function revoke(clientId: string) {
    setActionError(null);
    try {
      await identityProviderApi.revoke(clientId);
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('idp.consents.title')}</h1>
      <p className="muted">{t('idp.consents.explain')}</p>
      <ErrorMessage error={actionError} />
      {error ? <ErrorMessage error={error} onRetry={reload} /> : !data ? <Loading /> : data.length === 0 ? <p>{t('idp.consents.none')}</p> : (
        <ul className="session-list" data-testid="idp-consents">
          {data.map((c) => (
            <li key={c.clientId} className="card" data-testid="idp-consent">
              <p><strong>{c.clientName}</strong></p>
              <ul className="small">
                {c.scopes.map((s) => <li key={s}>{t(`idp.scope.${s}`)}</li>)}
              </ul>
              <p className="muted small">{t('idp.consents.since', { date: formatTime(c.grantedAt, current.language) })}</p>
              <ConfirmButton label={t('idp.consents.revoke')} confirmLabel={t('idp.consents.revokeConfirm', { name: c.clientName })}
                             onConfirm={() => revoke(c.clientId)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
