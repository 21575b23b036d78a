import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { identityApi, minimumPasswordLength, type CodeHolder } from '../../api/identity';
import { isSecondStep } from '../../api/twoFactor';
import { useAuth } from '../../auth/AuthContext';
import { errorText, fieldErrorText } from '../../errors';
import { ErrorMessage, Field, Loading, Notice, useTitle } from '../../components/common';
import { AccountShell } from './AccountShell';
import { PasswordStrengthMeter } from '../../auth/PasswordStrengthMeter';

/** Only paths inside the app. */
function safePath(path: string | null | undefined): string {
  return path && path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

/** The link mailed at sign-up: one press confirms the address and signs the person in. */
export function ConfirmEmailPage() {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const code = params.get('code') ?? '';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('account.confirm.title'));

  // A button, not an automatic request: mail scanners that open links must not use the code.
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const result = await identityApi.confirmEmail(code);
      signedIn(result.me);
      navigate(safePath(result.returnTo), { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <AccountShell title={t('account.confirm.title')}>
      <p>{t('account.confirm.explain')}</p>
      {error !== null && <div className="alert alert-error" role="alert" data-testid="confirm-error">{errorText(t, error)}</div>}
      <button type="button" className="btn btn-primary btn-block" disabled={busy || !code} onClick={() => void confirm()}>
        {t('account.confirm.submit')}
      </button>
      <p className="muted small"><Link to="/sign-in">{t('account.backToSignIn')}</Link></p>
    </AccountShell>
  );
}

/**
 * Choosing a password with an invitation or reset code: from a mailed link (?code=...) or a code
 * typed from the printed sheet a teacher handed out.
 */
export function SetPasswordPage() {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [code, setCode] = useState(params.get('code') ?? '');
  const [holder, setHolder] = useState<CodeHolder | null>(null);
  const [checking, setChecking] = useState(false);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useTitle(t('account.setPassword.title'));

  async function check(value: string) {
    setChecking(true);
    setError(null);
    try {
      setHolder(await identityApi.checkCode(value));
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  }

  const linked = params.get('code');
  useEffect(() => {
    if (linked) void check(linked);
  }, [linked]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < minimumPasswordLength) return setLocalError(t('password.tooShort', { n: minimumPasswordLength }));
    if (password !== again) return setLocalError(t('password.mismatch'));
    setLocalError(null);
    setBusy(true);
    setError(null);
    try {
      const answer = await identityApi.redeem(code, password);
      // A mailed link is not a second factor: with one on, the code step of the sign-in page comes next.
      if (isSecondStep(answer)) return navigate('/sign-in', { replace: true, state: { secondStep: answer } });
      signedIn(answer);
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  if (!holder) {
    return (
      <AccountShell title={t('account.setPassword.title')}>
        {checking ? <Loading /> : (
          <form onSubmit={(e) => { e.preventDefault(); void check(code); }} noValidate data-testid="code-form">
            <p>{t('account.setPassword.enterCode')}</p>
            {error !== null && <div className="alert alert-error" role="alert" data-testid="code-error">{errorText(t, error)}</div>}
            <Field label={t('account.setPassword.code')}>
              {(props) => (
                <input {...props} className="mono" autoCapitalize="characters" autoComplete="one-time-code" spellCheck={false}
                       value={code} onChange={(e) => setCode(e.target.value)} />
              )}
            </Field>
            <button type="submit" className="btn btn-primary btn-block" disabled={!code.trim()}>{t('account.setPassword.next')}</button>
          </form>
        )}
        <p className="muted small"><Link to="/sign-in">{t('account.backToSignIn')}</Link></p>
      </AccountShell>
    );
  }

  return (
    <AccountShell title={t('account.setPassword.title')}>
      <form onSubmit={submit} noValidate data-testid="set-password-form">
        <p data-testid="code-holder">
          {t(holder.purpose === 'invitation' ? 'account.setPassword.welcome' : 'account.setPassword.reset',
            { name: holder.displayName, login: holder.login ?? '' })}
        </p>
        {localError && <div className="alert alert-error" role="alert">{localError}</div>}
        {error !== null && !fieldErrorText(t, error, 'newPassword') && <ErrorMessage error={error} />}
        <Field label={t('password.new')} hint={t('password.hint', { n: minimumPasswordLength })}
               error={fieldErrorText(t, error, 'newPassword')}>
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" minLength={minimumPasswordLength} maxLength={128}
                   value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <PasswordStrengthMeter password={password} userInputs={[holder.displayName, holder.login]} minimumLength={minimumPasswordLength} />
        <Field label={t('password.again')}>
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{t('account.setPassword.submit')}</button>
      </form>
    </AccountShell>
  );
}

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('account.forgot.title'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await identityApi.requestReset(email.trim(), i18n.language);
      setSent(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AccountShell title={t('account.forgot.title')}>
      {sent ? (
        <Notice testId="reset-sent">{t('account.forgot.sent', { email: email.trim() })}</Notice>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t('account.forgot.explain')}</p>
          <ErrorMessage error={error} />
          <Field label={t('account.forgot.email')}>
            {(props) => (
              <input {...props} type="email" inputMode="email" autoComplete="email" autoCapitalize="none" required
                     value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || !email.includes('@')}>{t('account.forgot.submit')}</button>
        </form>
      )}
      <p className="muted small"><Link to="/sign-in">{t('account.backToSignIn')}</Link></p>
    </AccountShell>
  );
}
