import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, ProblemTypes } from '../api/client';
import type { Me } from '../api/lms';
import { twoFactorApi, type SecondStep } from '../api/twoFactor';
import { errorText } from '../errors';

/**
 * The second step of signing in: a code from the authenticator app (or one of the recovery codes).
 * A ticket that expired (five minutes) sends the person back to the password.
 */
export function SecondStepForm({ step, onSignedIn, onRestart }: {
  step: SecondStep;
  onSignedIn: (me: Me) => void;
  onRestart: () => void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await twoFactorApi.signInWithCode(step.ticket, code.trim()));
    } catch (e) {
      if (e instanceof ApiError && e.type === ProblemTypes.unauthenticated) return onRestart();
      setError(e);
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate data-testid="second-step-form">
      <p>{t('twoFactor.signIn.explain')}</p>
      {error !== null && <div className="alert alert-error" role="alert" data-testid="second-step-error">{errorText(t, error)}</div>}
      <div className="field">
        <label htmlFor="totp-code">{t('twoFactor.signIn.code')}</label>
        <input id="totp-code" name="one-time-code" className="mono" autoComplete="one-time-code" inputMode="text"
               autoCapitalize="characters" spellCheck={false} autoFocus maxLength={20}
               value={code} onChange={(e) => setCode(e.target.value)} />
        <p className="muted small">{t('twoFactor.signIn.recoveryHint')}</p>
      </div>
      <button type="submit" className="btn btn-primary btn-block" disabled={busy || !code.trim()}>
        {busy ? t('signIn.signingIn') : t('twoFactor.signIn.submit')}
      </button>
      <button type="button" className="btn btn-quiet btn-block" onClick={onRestart}>{t('twoFactor.signIn.back')}</button>
    </form>
  );
}
