import { Suspense } from 'react';
import { Link, NavLink, Outlet } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { AppLogo } from '../../components/AppLogo';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { Loading } from '../../components/common';

/** The frame of the pages anyone may open (the catalogue, a course's page, a verification): no sign-in needed. */
export function PublicShell() {
  const { t } = useTranslation();
  const { me } = useAuth();
  return (
    <div className="app">
      <a href="#main" className="skip-link">{t('shell.skipToContent')}</a>
      <header className="app-header">
        <div className="header-inner">
          <Link to={me ? '/' : '/catalogue'} className="brand">
            <AppLogo />
            <span>{t('app.name')}</span>
          </Link>
          <div className="header-tools">
            <LanguageSwitch />
            {!me && <Link className="btn btn-small btn-primary" to="/sign-in" data-testid="public-sign-in">{t('moocs.nav.signIn')}</Link>}
          </div>
        </div>
        <nav className="app-nav" aria-label={t('shell.navigation')}>
          <div className="nav-inner">
            <NavLink to="/catalogue" end>{t('moocs.nav.catalogue')}</NavLink>
            {me && <NavLink to="/learning">{t('moocs.nav.learning')}</NavLink>}
            {me && <NavLink to="/" end>{t('shell.myCourses')}</NavLink>}
          </div>
        </nav>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<div className="page"><Loading /></div>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
