import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { schoolSignInApi, type ExternalProviderHint } from '../../api/schoolSignIn';

/** An address whose domain could belong to a school (name@school.edu.vn). */
function domainOf(login: string): string | null {
  const at = login.lastIndexOf('@');
  const domain = at > 0 ? login.slice(at + 1).trim() : '';
  return domain.includes('.') && !domain.endsWith('.') ? domain : null;
}

/**
 * "Đăng nhập bằng tài khoản trường" under the password form, once the typed address's domain belongs to a provider an
 * institution connected. The link is a full navigation: the server sends the browser on to the provider.
 */
export function SchoolSignInButton({ login, next }: { login: string; next: string }) {
  const { t } = useTranslation();
  const [hint, setHint] = useState<ExternalProviderHint | null>(null);
  const domain = domainOf(login);
  const email = domain ? login.trim() : '';

  useEffect(() => {
    if (!email) {
      setHint(null);
      return;
    }
    let current = true;
    // Asked once typing pauses, not on every key.
    const timer = window.setTimeout(() => {
      schoolSignInApi.forEmail(email).then(
        (found) => { if (current) setHint(found[0] ?? null); },
        () => { if (current) setHint(null); });
    }, 300);
    return () => { current = false; window.clearTimeout(timer); };
  }, [email]);

  if (!hint || !domain) return null;
  const href = `${hint.signInUrl}${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`;
  return (
    <div className="school-sign-in" data-testid="school-sign-in">
      <a className="btn btn-block" href={href}>{t('schoolSignIn.button')}</a>
      <p className="muted small">{t('schoolSignIn.via', { provider: hint.displayName, institution: hint.institutionName })}</p>
    </div>
  );
}
