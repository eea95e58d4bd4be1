import { useEffect, useRef, useState } from 'react';
import { api, ApiError, onApiActivity } from '../api.js';
import { useSession } from '../session.js';

/**
 * Warns two minutes before the server's idle timeout signs the user out, with "Stay signed
 * in" (which renews the session) and "Log out". The server is the authority: this only
 * counts from the last API call the server answered (each may renew the session), using the
 * practice's idle timeout. When the count runs out it asks the server; a session that has
 * ended lands on the sign-in page with the "signed out after a period of inactivity" note.
 */
export const WARN_BEFORE_MS = 2 * 60_000;

function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function IdleWarning() {
  const { expire, logout } = useSession();
  const [timeoutMs, setTimeoutMs] = useState<number | null>(null);
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<string | null>(null);
  const checking = useRef(false);
  const stayButton = useRef<HTMLButtonElement>(null);

  useEffect(() => onApiActivity(() => setLastActivity(Date.now())), []);

  useEffect(() => {
    let active = true;
    api.session().then(
      (info) => {
        if (active && info.idleTimeoutMinutes !== undefined) setTimeoutMs(info.idleTimeoutMinutes * 60_000);
      },
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const remaining = timeoutMs === null ? Infinity : lastActivity + timeoutMs - now;
  const warning = remaining <= WARN_BEFORE_MS;

  useEffect(() => {
    if (remaining > 0 || checking.current) return;
    checking.current = true;
    api
      .session()
      .then(
        (info) => {
          // Still signed in (another tab kept the session alive): the call itself restarted the count.
          if (info.stage !== 'signed_in') expire();
        },
        () => expire(),
      )
      .finally(() => {
        checking.current = false;
      });
  }, [remaining, expire]);

  useEffect(() => {
    if (warning) stayButton.current?.focus();
  }, [warning]);

  if (!warning || remaining <= 0) return null;

  async function staySignedIn() {
    setError(null);
    try {
      await api.keepAlive();
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) expire();
      else setError(caught instanceof ApiError ? caught.message : 'We could not reach Gatehouse. Try again.');
    }
  }

  return (
    <div className="idle-warning__backdrop">
      <div
        className="idle-warning"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-warning-title"
        aria-describedby="idle-warning-text"
        data-testid="idle-warning"
      >
        <h2 id="idle-warning-title" className="idle-warning__title">
          Are You Still There?
        </h2>
        <p id="idle-warning-text">
          For your security, you will be logged out in{' '}
          <strong className="idle-warning__countdown">{formatRemaining(remaining)}</strong> because of
          inactivity.
        </p>
        {error !== null && (
          <p role="alert" className="idle-warning__error">
            {error}
          </p>
        )}
        <div className="idle-warning__actions">
          <button
            ref={stayButton}
            type="button"
            className="button button--primary"
            onClick={() => void staySignedIn()}
          >
            Stay Logged In
          </button>
          <button type="button" className="button button--secondary" onClick={() => void logout()}>
            Log Out
          </button>
        </div>
      </div>
    </div>
  );
}
