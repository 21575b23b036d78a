import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api/lms';
import { fieldErrorText } from '../errors';
import { ErrorMessage, Field, Notice, useTitle } from '../components/common';
import { PasswordStrengthMeter } from '../auth/PasswordStrengthMeter';
import { useAuth } from '../auth/AuthContext';

const minimumLength = 10;

export function ChangePasswordPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  useTitle(t('password.title'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(false);
    if (next.length < minimumLength) return setLocalError(t('password.tooShort', { n: minimumLength }));
    if (next !== again) return setLocalError(t('password.mismatch'));
    setLocalError(null);
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page narrow">
      <p className="breadcrumb"><Link to="/">← {t('shell.myCourses')}</Link></p>
      <h1>{t('password.title')}</h1>
      <form className="card form" onSubmit={submit} noValidate data-testid="change-password-form">
        {done && <Notice testId="password-changed">{t('password.done')}</Notice>}
        <ErrorMessage error={error} context="changePassword" />
        {localError && <div className="alert alert-error" role="alert">{localError}</div>}
        <Field label={t('password.current')}>
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" value={current}
                   onChange={(e) => setCurrent(e.target.value)} />
          )}
        </Field>
        <Field label={t('password.new')} hint={t('password.hint', { n: minimumLength })}
               error={fieldErrorText(t, error, 'newPassword', 'changePassword')}>
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" minLength={minimumLength} maxLength={128}
                   value={next} onChange={(e) => setNext(e.target.value)} />
          )}
        </Field>
        <PasswordStrengthMeter password={next} userInputs={[me?.displayName, me?.email]} minimumLength={minimumLength} />
        <Field label={t('password.again')}>
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.saving') : t('password.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
