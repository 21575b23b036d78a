import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { twoFactorApi, type TotpEnrolment } from '../../api/twoFactor';
import { useAuth } from '../../auth/AuthContext';
import { ErrorMessage, Field, Loading, Notice, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import './twoFactor.css';

/** The account page's two-step sign-in: set up an authenticator app, see the recovery codes once, switch it off. */
export function TwoFactorPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  useTitle(t('twoFactor.title'));
  const mustEnrol = me?.twoFactor?.mustEnrol ?? false;
  return (
    <div className="page narrow">
      {!mustEnrol && <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>}
      <h1>{t('twoFactor.title')}</h1>
      <TwoFactorSettings />
    </div>
  );
}

export function TwoFactorSettings() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const { data, error, reload } = useLoad(() => twoFactorApi.detail(), []);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  async function act(action: () => Promise<void>) {
    setBusy(true);
    setActionError(null);
    try {
      await action();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  const start = () => act(async () => setEnrolment(await twoFactorApi.enrol()));

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    return act(async () => {
      const answer = await twoFactorApi.confirm(code.trim());
      setRecovery(answer.recoveryCodes);
      setEnrolment(null);
      setCode('');
      await reload();
      // An admin who had to enrol may now use everything else.
      await refresh();
    });
  };

  const disable = (event: FormEvent) => {
    event.preventDefault();
    return act(async () => {
      await twoFactorApi.disable(code.trim() ? { code: code.trim() } : { password });
      setCode('');
      setPassword('');
      await reload();
      await refresh();
    });
  };

  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  if (!data) return <Loading />;
  if (!data.available) return <p className="muted">{t('twoFactor.staffOnly')}</p>;

  return (
    <section className="card" data-testid="two-factor">
      {data.mustEnrol && <div className="alert" role="alert" data-testid="two-factor-required">{t('twoFactor.required')}</div>}
      <p className="muted">{t('twoFactor.explain')}</p>
      <ErrorMessage error={actionError} />
      {recovery && (
        <div data-testid="recovery-codes">
          <Notice>{t('twoFactor.on')}</Notice>
          <p>{t('twoFactor.recovery.explain')}</p>
          <ol className="mono recovery-codes">
            {recovery.map((c) => <li key={c}>{c}</li>)}
          </ol>
          <button type="button" className="btn" onClick={() => setRecovery(null)}>{t('twoFactor.recovery.saved')}</button>
        </div>
      )}
      {!recovery && data.enabled && (
        <form onSubmit={disable} noValidate data-testid="two-factor-disable">
          <p data-testid="two-factor-on"><strong>{t('twoFactor.on')}</strong> · {t('twoFactor.recovery.left', { count: data.recoveryCodesLeft })}</p>
          {data.requiredByInstitution ? <p className="muted">{t('twoFactor.requiredKeep')}</p> : (
            <>
              <p className="muted small">{t('twoFactor.disable.explain')}</p>
              <Field label={t('twoFactor.code')}>
                {(props) => <input {...props} className="mono" inputMode="numeric" autoComplete="one-time-code" maxLength={20}
                                   value={code} onChange={(e) => setCode(e.target.value)} />}
              </Field>
              <Field label={t('password.current')}>
                {(props) => <input {...props} type="password" autoComplete="current-password" value={password}
                                   onChange={(e) => setPassword(e.target.value)} />}
              </Field>
              <button type="submit" className="btn btn-danger-quiet" disabled={busy || (!code.trim() && !password)}>
                {t('twoFactor.disable.submit')}
              </button>
            </>
          )}
        </form>
      )}
      {!recovery && !data.enabled && !enrolment && (
        <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={busy} data-testid="two-factor-start">
          {t('twoFactor.start')}
        </button>
      )}
      {!recovery && !data.enabled && enrolment && (
        <form onSubmit={confirm} noValidate data-testid="two-factor-enrol">
          <p>{t('twoFactor.scan')}</p>
          <img className="totp-qr" src={enrolment.qrSvgDataUrl} alt={t('twoFactor.qrAlt')} width={200} height={200} />
          <p className="small">{t('twoFactor.typeInstead')}</p>
          <p className="mono totp-secret" data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</p>
          <Field label={t('twoFactor.firstCode')}>
            {(props) => <input {...props} className="mono" inputMode="numeric" autoComplete="one-time-code" maxLength={6}
                               value={code} onChange={(e) => setCode(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy || code.trim().length !== 6}>{t('twoFactor.confirm')}</button>
        </form>
      )}
    </section>
  );
}
