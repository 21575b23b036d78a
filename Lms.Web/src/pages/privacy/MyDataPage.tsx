import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { Badge, ErrorMessage, Field, Loading, Notice, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { formatDateTime } from '../../format';
import { privacyApi, type MyErasurePart } from './privacyApi';
import './privacy.css';

/** My personal data: download a copy of everything held about me, and ask the institutions to erase it. */
export function MyDataPage() {
  const { t, i18n } = useTranslation();
  useTitle(t('privacy.mine.title'));
  const language = i18n.language === 'en' ? 'en' : 'vi';
  const requests = useLoad(() => privacyApi.myRequests(), []);
  const open = requests.data?.some((p) => p.status === 'open') ?? false;
  const [asked, setAsked] = useState(false);

  return (
    <div className="page privacy-page">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('privacy.mine.title')}</h1>

      <section className="card">
        <h2>{t('privacy.mine.copyTitle')}</h2>
        <p className="muted">{t('privacy.mine.copyExplain')}</p>
        <a className="btn btn-primary" href={privacyApi.myDataUrl(language)} download data-testid="download-my-data">
          {t('privacy.mine.download')}
        </a>
      </section>

      <section className="card">
        <h2>{t('privacy.mine.erasureTitle')}</h2>
        <p className="muted">{t('privacy.mine.erasureExplain')}</p>
        {requests.error ? <ErrorMessage error={requests.error} onRetry={() => void requests.reload()} />
          : !requests.data ? <Loading />
          : (
            <>
              {asked && <Notice testId="erasure-asked">{t('privacy.mine.asked')}</Notice>}
              {requests.data.length > 0 && <MyRequests parts={requests.data} />}
              {!open && <ErasureForm language={language} onAsked={() => { setAsked(true); void requests.reload(); }} />}
            </>
          )}
      </section>
    </div>
  );
}

function MyRequests({ parts }: { parts: MyErasurePart[] }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="privacy-list" data-testid="my-erasure-requests">
      {parts.map((p) => (
        <li key={p.id} data-testid="my-erasure-part">
          <p>
            <strong>{p.institutionName}</strong>{' '}
            <Badge tone={`erasure-${p.status}`}>{t(`privacy.status.${p.status}`)}</Badge>
          </p>
          <p className="muted small">
            {t('privacy.mine.askedAt', { at: formatDateTime(p.requestedAt, i18n.language) })}
            {p.decidedAt && <> · {t('privacy.mine.decidedAt', { at: formatDateTime(p.decidedAt, i18n.language) })}</>}
          </p>
          {p.decisionReason && <p className="small">{t('privacy.mine.declinedBecause', { reason: p.decisionReason })}</p>}
        </li>
      ))}
    </ul>
  );
}

function ErasureForm({ language, onAsked }: { language: string; onAsked: () => void }) {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await privacyApi.requestErasure(reason.trim(), language);
      // An account that belonged to no institution is erased at once: nothing is left to sign in to.
      if (result.accountErased) {
        await signOut({ discardUnsent: true });
        return;
      }
      onAsked();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="privacy-form">
      <Field label={t('privacy.mine.reason')} hint={t('privacy.mine.reasonHint')}>
        {(props) => (
          <textarea {...props} value={reason} maxLength={1000} rows={3} onChange={(e) => setReason(e.target.value)} data-testid="erasure-reason" />
        )}
      </Field>
      {confirming && <p className="warning-text" data-testid="erasure-confirm-text">{t('privacy.mine.confirm')}</p>}
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-danger" disabled={busy} data-testid="ask-erasure">
        {confirming ? t('privacy.mine.askConfirm') : t('privacy.mine.ask')}
      </button>
    </form>
  );
}
