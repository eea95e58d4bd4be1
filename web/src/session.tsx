import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from './api.js';
import { navigate } from './lib/router.js';
import type { SessionInfo, Stage, User } from './types.js';

type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; stage: Stage; user: User | null };

export interface Session {
  state: SessionState;
  /** Asks the server where this browser stands (after signing in, changing the password, ...). */
  refresh: () => Promise<void>;
  /** Signs out on the server, then shows the sign-in page. */
  logout: () => Promise<void>;
  /** The server says the session is gone (idle timeout, signed out elsewhere): back to sign-in with a note. */
  expire: () => void;
}

const SessionContext = createContext<Session | null>(null);

function errorState(error: unknown): SessionState {
  const message =
    error instanceof ApiError ? error.message : 'Something went wrong. Reload the page to try again.';
  return { status: 'error', message };
}

function readyState(info: SessionInfo): SessionState {
  return { status: 'ready', stage: info.stage, user: info.user };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let active = true;
    api.session().then(
      (info) => {
        if (active) setState(readyState(info));
      },
      (error: unknown) => {
        if (active) setState(errorState(error));
      },
    );
    return () => {
      active = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    try {
      setState(readyState(await api.session()));
    } catch (error) {
      setState(errorState(error));
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch (error) {
      // Already signed out (401) is fine; anything else means the server still holds the session.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setState({ status: 'ready', stage: 'anonymous', user: null });
    navigate('/login', { replace: true });
  }, []);

  const expire = useCallback(() => {
    setState({ status: 'ready', stage: 'anonymous', user: null });
    navigate('/login?reason=expired', { replace: true });
  }, []);

  const value = useMemo<Session>(
    () => ({ state, refresh, logout, expire }),
    [state, refresh, logout, expire],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession must be used inside <SessionProvider>.');
  return session;
}

/** The signed-in user; only for components rendered when the stage is signed_in. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'ready' || state.user === null) throw new Error('useUser needs a logged-in session.');
  return state.user;
}
