import { Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { BookOpen, Building2, CalendarDays, ClipboardList, Compass, Ellipsis, GraduationCap, Library, MessagesSquare } from 'lucide-react';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { adminInstitutions, teachingInstitutions, useAuth, useMe } from '../auth/AuthContext';
import { UnsentAnswersError } from '../auth/browserData';
import '../i18n/signedIn';
import { AppLogo } from './AppLogo';
import { LanguageSwitch } from './LanguageSwitch';
import { Loading } from './common';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? parts[parts.length - 1][0] : '';
  return (first + last).toUpperCase();
}

function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useAuth();
  const [open, setOpen] = useState(false);
  // Quiz answers that could not be sent (no network) are lost by signing out: the person chooses.
  const leave = async () => {
    try {
      await signOut();
    } catch (e) {
      if (!(e instanceof UnsentAnswersError)) throw e;
      if (window.confirm(t('shell.unsentAnswers', { count: e.count }))) await signOut({ discardUnsent: true });
    }
  };
  const root = useRef<HTMLDivElement>(null);
  const location = useLocation();

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={root}>
      <button
        type="button"
        className="user-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        data-testid="user-menu"
        onClick={() => setOpen((x) => !x)}
      >
        {/* The name is the visible text ("LA", the name beside it on a wide screen) then what the button is:
            a voice command saying what is shown finds it (WCAG 2.5.3). */}
        <span className="avatar">{initials(me.displayName)}</span>
        <span className="user-name">{me.displayName}</span>
        <span className="visually-hidden">{t('shell.userMenu')}</span>
        <span aria-hidden="true" className="caret">▾</span>
      </button>
      {open && (
        <div className="menu" id="user-menu-panel">
          <p className="menu-who">
            <strong>{me.displayName}</strong>
            <span className="muted">{me.email ?? me.nationalId}</span>
          </p>
          <Link className="menu-item" to="/account/password">{t('shell.changePassword')}</Link>
          <Link className="menu-item" to="/account/sessions">{t('account.sessions.title')}</Link>
          {me.twoFactor?.available && <Link className="menu-item" to="/account/two-factor">{t('twoFactor.title')}</Link>}
          <Link className="menu-item" to="/account/privacy">{t('privacy.menu')}</Link>
          <Link className="menu-item" to="/credentials">{t('credentials.transcript.title')}</Link>
          {me.platformAdmin && <Link className="menu-item" to="/admin/outbox">{t('account.outbox.title')}</Link>}
          {me.memberships.filter((m) => m.role === 'admin').map((m) => (
            <Link key={m.institutionId} className="menu-item" to={`/institutions/${m.institutionId}/recognition`}>
              {t('credentials.inbox.menu', { name: m.institutionName })}
            </Link>
          ))}
          <button type="button" className="menu-item" onClick={() => void leave()}>
            {t('shell.signOut')}
          </button>
        </div>
      )}
    </div>
  );
}

type Membership = ReturnType<typeof adminInstitutions>[number];

/** How many places a phone's bottom bar holds before the rest move behind "More". */
const BAR_PLACES = 5;

/**
 * The app's places: a row of tabs under the header on a wide screen; on a phone, a bar at the bottom of
 * the screen (where a thumb reaches), each place an icon over its name, the places beyond five behind "More".
 */
function AppNav({ teaching, admin }: { teaching: Membership[]; admin: Membership[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const [more, setMore] = useState(false);
  const location = useLocation();
  useEffect(() => setMore(false), [location.pathname]);
  const places: { to: string; label: string; icon: ReactNode; end?: boolean }[] = [
    { to: '/', label: t('shell.myCourses'), icon: <BookOpen aria-hidden="true" />, end: true },
    { to: '/school-year', label: t('schoolYear.nav'), icon: <CalendarDays aria-hidden="true" /> },
    { to: '/learning', label: t('moocs.nav.learning'), icon: <GraduationCap aria-hidden="true" /> },
    { to: '/catalogue', label: t('moocs.nav.catalogue'), icon: <Compass aria-hidden="true" /> },
    ...teaching.map((m) => ({
      to: `/institutions/${m.institutionId}/bank`, icon: <ClipboardList aria-hidden="true" />,
      label: teaching.length === 1 ? t('assessmentNav.bank') : t('assessmentNav.bankOf', { name: m.institutionName }),
    })),
    { to: '/library', label: t('shell.library'), icon: <Library aria-hidden="true" /> },
    ...admin.map((m) => ({
      to: `/institutions/${m.institutionId}`, icon: <Building2 aria-hidden="true" />,
      label: admin.length === 1 ? t('shell.administration') : t('shell.administrationOf', { name: m.institutionName }),
    })),
    // The contact book, for the people who write in it (teachers, parents, school admins).
    ...(me.memberships.some((m) => m.role !== 'student')
      ? [{ to: '/contact-book', label: t('contactBook.nav'), icon: <MessagesSquare aria-hidden="true" /> }] : []),
  ];
  const crowded = places.length > BAR_PLACES;
  return (
    <nav className={more ? 'app-nav nav-more-open' : 'app-nav'} aria-label={t('shell.navigation')} data-testid="app-nav">
      <div className="nav-inner">
        {places.map((p, i) => (
          <NavLink key={p.to} to={p.to} end={p.end} className={crowded && i >= BAR_PLACES - 1 ? 'nav-extra' : undefined}>
            {p.icon}<span className="nav-label">{p.label}</span>
          </NavLink>
        ))}
        {more && (
          <div className="nav-sheet">
            {places.slice(BAR_PLACES - 1).map((p) => (
              <NavLink key={p.to} to={p.to} end={p.end}>{p.icon}<span className="nav-label">{p.label}</span></NavLink>
            ))}
          </div>
        )}
        {crowded && (
          <button type="button" className="nav-more" aria-expanded={more} onClick={() => setMore((x) => !x)}>
            <Ellipsis aria-hidden="true" /><span className="nav-label">{t('shell.more')}</span>
          </button>
        )}
      </div>
    </nav>
  );
}

export function Shell() {
  const { t } = useTranslation();
  const me = useMe();
  const admin = adminInstitutions(me);
  const teaching = teachingInstitutions(me);
  return (
    <div className="app">
      <a href="#main" className="skip-link">{t('shell.skipToContent')}</a>
      <header className="app-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            <AppLogo />
            <span>{t('app.name')}</span>
          </Link>
          <div className="header-tools">
            <LanguageSwitch />
            <UserMenu />
          </div>
        </div>
      </header>
      <AppNav teaching={teaching} admin={admin} />
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<div className="page"><Loading /></div>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
