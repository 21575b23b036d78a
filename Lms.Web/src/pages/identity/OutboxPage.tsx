import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { identityApi } from '../../api/identity';
import { formatTime } from '../../format';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';

/** The outgoing mail (platform admins): with no SMTP server configured, this is where it is read. */
export function OutboxPage() {
  const { t, i18n } = useTranslation();
  useTitle(t('account.outbox.title'));
  const { data, error, reload } = useLoad(() => identityApi.outbox(100), []);
  return (
    <div className="page">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('account.outbox.title')}</h1>
      <p className="muted">{t('account.outbox.explain')}</p>
      {error !== null && error !== undefined ? <ErrorMessage error={error} onRetry={reload} /> : !data ? <Loading /> : data.length === 0 ? (
        <p className="muted">{t('account.outbox.empty')}</p>
      ) : (
        <ul className="outbox" data-testid="outbox">
          {data.map((m) => (
            <li key={m.id} className="card">
              <details>
                <summary>
                  <strong>{m.subject}</strong>{' · '}{m.to}{' · '}
                  <span className="muted">{formatTime(m.date, i18n.language)} · {t(`account.outbox.status.${m.status}`)}</span>
                </summary>
                <pre className="outbox-text">{m.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
