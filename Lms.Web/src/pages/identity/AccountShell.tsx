import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AppLogo } from '../../components/AppLogo';
import { LanguageSwitch } from '../../components/LanguageSwitch';

/** The frame of the pages a person sees before they are signed in (the sign-in page's card). */
export function AccountShell({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
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
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
