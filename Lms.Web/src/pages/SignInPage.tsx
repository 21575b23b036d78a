import { lazy, Suspense, useLayoutEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, ProblemTypes } from '../api/client';
import { isSecondStep, twoFactorApi, type SecondStep } from '../api/twoFactor';
import { SecondStepForm } from '../auth/SecondStepForm';
import { useAuth } from '../auth/AuthContext';
import { errorText } from '../errors';
import { AppLogo } from '../components/AppLogo';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { Loading, useTitle } from '../components/common';
import { handOver } from '../serverPage';

// Fetched once an address is typed: most people sign in with a password, and the first script stays small.
const SchoolSignInButton = lazy(() => import('./identity/SchoolSignInButton').then((m) => ({ default: m.SchoolSignInButton })));

/** Only paths inside the app: never send someone to another site after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  const { me, loading, signedIn } = useAuth();
  const [params] = useSearchParams();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [rememberMe, setRememberMe] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A right password for someone with a second factor gives a ticket: the code step comes next.
  // A set-password page that needed a code too arrives here with its ticket.
  const location = useLocation();
  const [secondStep, setSecondStep] = useState<SecondStep | null>(
    (location.state as { secondStep?: SecondStep } | null)?.secondStep ?? null);
  useTitle(t('signIn.title'));

  // The server's form stays on screen until this one is ready; what was typed there is carried over, focus too.
  useLayoutEffect(() => {
    if (loading || me) return;
    const typed = handOver();
    if (typed.values.login) setLogin(typed.values.login);
    if (typed.values.password) setPassword(typed.values.password);
    if (typed.values.remember) setRememberMe(typed.values.remember === 'true');
    if (typed.focused) document.getElementById(typed.focused)?.focus();
  }, [loading, me]);

  const next = safeNext(params.get('next'));
  if (loading) return <Loading />;
  // Another school system's sign-in (Lms as its identity provider) is the server's, not a page of the app.
  if (me) return next.startsWith('/connect/') ? (window.location.replace(next), <Loading />) : <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!login.trim() || !password) {
      setError(new Error('missing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await twoFactorApi.signIn(login.trim(), password, rememberMe);
      if (isSecondStep(answer)) setSecondStep(answer);
      else signedIn(answer);
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  let message: string | null = null;
  if (error instanceof ApiError && error.type === ProblemTypes.invalidCredentials) {
    message = t('signIn.invalidCredentials');
  } else if (error instanceof Error && !(error instanceof ApiError)) {
    message = t('signIn.missing');
  } else if (error) {
    message = errorText(t, error, 'signIn');
  }

  return (
    <div className="sign-in">
      <header className="sign-in-top">
        <LanguageSwitch />
      </header>
      <main className="sign-in-card" id="main">
        <div className="sign-in-brand">
          <AppLogo />
          <span>{t('app.name')}</span>
        </div>
        <p className="muted sign-in-tagline">{t('app.tagline')}</p>
        <h1>{t('signIn.title')}</h1>
        {secondStep ? (
          <SecondStepForm step={secondStep} onSignedIn={signedIn} onRestart={() => { setSecondStep(null); setPassword(''); }} />
        ) : (
        <form onSubmit={submit} noValidate>
          {message && (
            <div className="alert alert-error" role="alert" id="sign-in-error" data-testid="sign-in-error">
              {message}
            </div>
          )}
          <div className="field">
            <label htmlFor="login">{t('signIn.login')}</label>
            <input
              id="login"
              aria-invalid={message ? true : undefined}
              aria-describedby={message ? 'sign-in-error' : undefined}
              name="username"
              autoComplete="username"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={login}
              onChange={(e) => setLogin(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t('signIn.password')}</label>
            <input
              id="password"
              aria-invalid={message ? true : undefined}
              aria-describedby={message ? 'sign-in-error' : undefined}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <div className="field-check">
            <input id="remember" type="checkbox" checked={rememberMe} onChange={(e) => setRememberMe(e.target.checked)} />
            <label htmlFor="remember">{t('signIn.rememberMe')}</label>
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t('signIn.signingIn') : t('signIn.submit')}
          </button>
        </form>
        )}
        {!secondStep && login.includes('@') && (
          <Suspense fallback={null}><SchoolSignInButton login={login} next={next} /></Suspense>
        )}
        <p className="sign-in-links small">
          <Link to="/forgot-password">{t('account.forgotLink')}</Link>
          {' · '}
          <Link to="/set-password">{t('account.codeLink')}</Link>
        </p>
      </main>
    </div>
  );
}
