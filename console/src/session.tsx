import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, onUnauthenticated, setCsrfToken } from './api/client.ts';
import type { Session, Staff, WorkspaceMembership } from './api/types.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'unavailable'; error: unknown }
  | { status: 'signed-in'; staff: Staff; workspaces: WorkspaceMembership[] };

interface SessionContextValue {
  state: SessionState;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Re-reads the session, e.g. after a workspace was created or an invitation accepted. */
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const session = await api.get<Session>('/auth/session');
      setCsrfToken(session.csrfToken);
      setState({ status: 'signed-in', staff: session.staff, workspaces: session.workspaces });
    } catch (error) {
      setCsrfToken(null);
      const signedOut = error instanceof ApiError && error.status === 401;
      setState(signedOut ? { status: 'signed-out' } : { status: 'unavailable', error });
    }
  }, []);

  useEffect(() => {
    onUnauthenticated(() => {
      setCsrfToken(null);
      setState({ status: 'signed-out' });
    });
    void refresh();
    return () => onUnauthenticated(null);
  }, [refresh]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      refresh,
      signIn: async (email, password) => {
        const { csrfToken } = await api.post<{ csrfToken: string }>('/auth/login', { email, password });
        setCsrfToken(csrfToken);
        await refresh();
      },
      signOut: async () => {
        try {
          await api.post('/auth/logout');
        } finally {
          setCsrfToken(null);
          setState({ status: 'signed-out' });
        }
      },
    }),
    [state, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The session of a page that RequireSession guards. */
export function useSignedIn(): Extract<SessionState, { status: 'signed-in' }> {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedIn outside RequireSession');
  return state;
}
