import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { formatDateTime } from '../lib/format.js';
import { useLoader } from '../lib/use-loader.js';
import type { SessionItem } from '../types.js';
import { FormAlert } from './form-alert.js';

type SessionsListProps =
  | { mode: 'own'; timeZone?: string | undefined }
  | { mode: 'staff'; userId: string; timeZone?: string | undefined };

/**
 * Open sessions (browser, IP, started, last active). Own sessions: end any other one, or all
 * others at once. A Practice Administrator looking at a user: Log Out Everywhere.
 */
export function SessionsList(props: SessionsListProps) {
  const userId = props.mode === 'staff' ? props.userId : '';
  const [loaded, reload] = useLoader<SessionItem[]>(
    () => (props.mode === 'staff' ? api.staffSessions(userId) : api.mySessions()),
    `${props.mode}:${userId}`,
  );
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(action: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await action());
      reload();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  const plural = (n: number) => (n === 1 ? '1 session was' : `${n} sessions were`);
  if (loaded.status === 'loading') return <p className="muted">Loading sessions…</p>;
  if (loaded.status === 'error') return <FormAlert message={loaded.message} />;
  const sessions = loaded.value;
  const others = sessions.filter((session) => !session.current);

  return (
    <div className="sessions" data-testid="sessions">
      {error !== null && <FormAlert message={error} />}
      {message !== null && (
        <p className="sessions__notice" role="status">
          {message}
        </p>
      )}
      {sessions.length === 0 ? (
        <p className="empty-state">
          {props.mode === 'staff'
            ? 'This user is not logged in anywhere. Their sessions will appear here when they log in.'
            : 'No open sessions.'}
        </p>
      ) : (
        <ul className="sessions__list">
          {sessions.map((session) => (
            <li key={session.id} className="sessions__item" data-testid="session">
              <div>
                <p className="sessions__browser">
                  {session.browser}
                  {session.current && <span className="badge badge--on">This browser</span>}
                </p>
                <p className="muted sessions__meta">
                  <span className="numeric">{session.ip}</span> · Started{' '}
                  {formatDateTime(session.createdAt, props.timeZone)} · Last active{' '}
                  {formatDateTime(session.lastSeenAt, props.timeZone)}
                </p>
              </div>
              {props.mode === 'own' && !session.current && (
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      await api.endMySession(session.id);
                      return `The session in ${session.browser} was logged out.`;
                    })
                  }
                >
                  Log Out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="security__actions">
        {props.mode === 'own' && others.length > 0 && (
          <button
            type="button"
            className="button button--secondary"
            disabled={busy}
            onClick={() =>
              void act(async () => `${plural((await api.endMyOtherSessions()).ended)} logged out.`)
            }
          >
            Log Out All Other Sessions
          </button>
        )}
        {props.mode === 'staff' && sessions.length > 0 && (
          <button
            type="button"
            className="button button--secondary"
            disabled={busy}
            onClick={() =>
              void act(async () => `${plural((await api.signOutEverywhere(userId)).ended)} logged out.`)
            }
          >
            Log Out Everywhere
          </button>
        )}
      </div>
    </div>
  );
}
