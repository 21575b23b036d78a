import { useLayoutEffect } from 'react';
import { useLocation } from 'react-router-dom';
import i18n from './i18n';

/**
 * The pages the server renders for a phone's first visit (sign-in, a student's home: Lms.Server/Identity/SignInPages.cs,
 * Lms.Server/Courses/HomePage.cs) carry `data-server-page`. The app then starts in a container of its own, off
 * screen, and the server's page stays until the app's page is ready (`handOver`): no blank screen or spinner in
 * between, and what was typed into the server's form is carried over.
 */
let pending: HTMLElement | null = null;
const serverPath = window.location.pathname;

/** The element the app renders into: #root, or a new one that replaces it when the app's page is ready. */
export function appContainer(): HTMLElement {
  const root = document.getElementById('root')!;
  if (!root.querySelector('[data-server-page]')) return root;
  pending = document.createElement('div');
  // A route the server did not render (a redirect elsewhere): the app's page shows all the same, a little later.
  window.setTimeout(() => void handOver(), 8000);
  return pending;
}

export interface ServerForm {
  /** Each input's value (a checkbox: 'true'/'false') by its id. */
  values: Record<string, string>;
  /** The id of the input that had the focus. */
  focused: string | null;
}

/** Puts the app's page in place of the server's (once); answers what had been typed into the server's form. */
export function handOver(): ServerForm {
  const form: ServerForm = { values: {}, focused: null };
  const root = document.getElementById('root');
  if (!pending || !root) return form;
  root.querySelectorAll<HTMLInputElement>('input[id]').forEach((input) => {
    form.values[input.id] = input.type === 'checkbox' ? String(input.checked) : input.value;
  });
  const active = document.activeElement;
  if (active instanceof HTMLElement && active.id && root.contains(active)) form.focused = active.id;
  pending.id = 'root';
  root.replaceWith(pending);
  pending = null;
  return form;
}

/** The app went elsewhere than the page the server rendered (signed in already, a redirect): show the app's page now. */
export function useHandOverOnNavigation() {
  const { pathname } = useLocation();
  useLayoutEffect(() => {
    if (pathname !== serverPath) handOver();
  }, [pathname]);
}

/** The server renders in the person's language and time zone: it reads them from these cookies. */
export function rememberForServer() {
  const set = (name: string, value: string) => {
    document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
  };
  try {
    set('lms.tz', Intl.DateTimeFormat().resolvedOptions().timeZone);
  } catch {
    // No zone known: the server uses Vietnam's.
  }
  set('lms.lang', i18n.language);
  i18n.on('languageChanged', (language) => set('lms.lang', language));
}
