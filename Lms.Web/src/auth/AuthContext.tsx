import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError, setUnauthorizedHandler } from '../api/client';
import { api, type Me, type Membership } from '../api/lms';

interface AuthState {
  me: Me | null;
  /** True until the first "who am I" answer arrives. */
  loading: boolean;
  /** True after the person signed out themselves (then the sign-in page does not offer to go back). */
  signedOut: boolean;
  signedIn: (me: Me) => void;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [signedOut, setSignedOut] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  const refresh = useCallback(async () => {
    try {
      setMe(await api.me());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setMe(null);
      else throw error;
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

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setSignedOut(true);
      setMe(null);
      navigate('/sign-in', { replace: true });
    }
  }, [navigate]);

  const signedIn = useCallback((who: Me) => {
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
