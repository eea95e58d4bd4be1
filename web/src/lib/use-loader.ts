import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';

/** What a component knows about data it loads from the API. */
export type Loaded<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

/**
 * Loads `load()` whenever `key` changes (and on `reload()`); a lost session sends the user to
 * sign in again. Answers that arrive after the key changed are dropped.
 */
export function useLoader<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const { expire } = useSession();
  const [state, setState] = useState<{ key: string; loaded: Loaded<T> }>({
    key,
    loaded: { status: 'loading' },
  });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let active = true;
    load().then(
      (value) => {
        if (active) setState({ key, loaded: { status: 'ready', value } });
      },
      (error: unknown) => {
        if (!active) return;
        if (error instanceof ApiError && error.isUnauthenticated) expire();
        else
          setState({
            key,
            loaded: { status: 'error', message: error instanceof ApiError ? error.message : String(error) },
          });
      },
    );
    return () => {
      active = false;
    };
    // `load` is recreated on every render; `key` names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, reloads, expire]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return [state.key === key ? state.loaded : { status: 'loading' }, reload];
}
