import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { request } from '../../api/client';
import type { Me } from '../../api/lms';
import { minimumPasswordLength } from '../../api/identity';
import { useAuth } from '../../auth/AuthContext';
import { fieldErrorText } from '../../errors';
import { ErrorMessage, Field, useTitle } from '../../components/common';
import { AccountShell } from './AccountShell';
import { PasswordStrengthMeter } from '../../auth/PasswordStrengthMeter';

const kinds = ['ministry', 'department', 'university', 'school'] as const;

/** A new installation's first platform administrator, with the setup code printed in the server's log. */
export function SetupPage() {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ code: '', institutionName: '', institutionKind: 'department', displayName: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('account.setup.title'));
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signedIn(await request<Me>('/api/setup/first-admin', { body: form, allowUnauthenticated: true }));
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <AccountShell title={t('account.setup.title')}>
      <form onSubmit={submit} noValidate data-testid="setup-form">
        <p>{t('account.setup.explain')}</p>
        <ErrorMessage error={error} />
        <Field label={t('account.setup.code')}>
          {(p) => <input {...p} className="mono" autoComplete="off" spellCheck={false} value={form.code} onChange={set('code')} />}
        </Field>
        <Field label={t('account.setup.institutionName')}>
          {(p) => <input {...p} value={form.institutionName} onChange={set('institutionName')} />}
        </Field>
        <Field label={t('account.setup.institutionKind')}>
          {(p) => (
            <select {...p} value={form.institutionKind} onChange={set('institutionKind')}>
              {kinds.map((k) => <option key={k} value={k}>{t(`account.setup.kind.${k}`)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('account.setup.displayName')}>
          {(p) => <input {...p} autoComplete="name" value={form.displayName} onChange={set('displayName')} />}
        </Field>
        <Field label={t('account.forgot.email')}>
          {(p) => <input {...p} type="email" autoComplete="email" value={form.email} onChange={set('email')} />}
        </Field>
        <Field label={t('password.new')} hint={t('password.hint', { n: minimumPasswordLength })} error={fieldErrorText(t, error, 'password')}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
        </Field>
        <PasswordStrengthMeter password={form.password} userInputs={[form.displayName, form.email]} minimumLength={minimumPasswordLength} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{t('account.setup.submit')}</button>
      </form>
    </AccountShell>
  );
}
