import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError, setUnauthorizedHandler } from '../api/client';
import { api, type Me, type Membership } from '../api/lms';
import { forgetThisBrowser, sendAllQueuedAnswers, UnsentAnswersError } from './browserData';

interface AuthState {
  me: Me | null;
  /** True until the first "who am I" answer arrives. */
  loading: boolean;
  /** True after the person signed out themselves (then the sign-in page does not offer to go back). */
  signedOut: boolean;
  signedIn: (me: Me) => void;
  /** Sends queued quiz answers, ends the session and forgets this browser's data; throws {@link UnsentAnswersError}
   *  when answers could not be sent, unless <c>discardUnsent</c>. */
  signOut: (options?: { discardUnsent?: boolean }) => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

const meKey = 'lms.me';

function remember(who: Me | null) {
  try {
    if (who) localStorage.setItem(meKey, JSON.stringify(who));
    else localStorage.removeItem(meKey);
  } catch {
    // Storage off: nothing remembered.
  }
}

function remembered(): Me | null {
  try {
    const text = localStorage.getItem(meKey);
    return text ? (JSON.parse(text) as Me) : null;
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [signedOut, setSignedOut] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  const refresh = useCallback(async () => {
    try {
      const who = await api.me();
      remember(who);
      setMe(who);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        remember(null);
        setMe(null);
      } else if (error instanceof ApiError && error.status === 0 && remembered()) {
        // Offline (a quiz on a phone that lost its network): carry on as the last person signed in here;
        // the server still checks every request when the network is back.
        setMe(remembered());
      } else throw error;
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setMe(null)).finally(() => setLoading(false));
  }, [refresh]);

  // Any 401 means the session is gone: back to the sign-in page, then here again.
  const here = location.pathname + location.search;
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe(null);
      if (!location.pathname.startsWith('/sign-in')) {
        navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
      }
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, here, location.pathname]);

  const signOut = useCallback(async (options?: { discardUnsent?: boolean }) => {
    const unsent = await sendAllQueuedAnswers();
    if (unsent > 0 && !options?.discardUnsent) throw new UnsentAnswersError(unsent);
    try {
      await api.signOut();
    } finally {
      await forgetThisBrowser();
      setSignedOut(true);
      setMe(null);
      navigate('/sign-in', { replace: true });
    }
  }, [navigate]);

  const signedIn = useCallback((who: Me) => {
    remember(who);
    setSignedOut(false);
    setMe(who);
  }, []);

  const value = useMemo<AuthState>(
    () => ({ me, loading, signedOut, signedIn, signOut, refresh }),
    [me, loading, signedOut, signedIn, signOut, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** The signed-in person (only inside pages that require sign-in). */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('Not signed in');
  return me;
}

/** Institutions where the person may create courses (teacher or admin), each once. */
export function teachingInstitutions(me: Me): Membership[] {
  const seen = new Map<string, Membership>();
  for (const m of me.memberships) {
    if ((m.role === 'teacher' || m.role === 'admin') && !seen.has(m.institutionId)) seen.set(m.institutionId, m);
  }
  return [...seen.values()];
}

export function adminInstitutions(me: Me): Membership[] {
  return me.memberships.filter((m) => m.role === 'admin');
}
