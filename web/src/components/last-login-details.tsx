import { formatDateTime } from '../lib/format.js';
import type { SecurityState } from './security-state.js';

/**
 * The last login (time, IP address, browser) and the one before it: on one's own profile the last
 * login is this very sign-in, so a stranger’s earlier sign-in shows as the previous one.
 */
export function LastLoginDetails({
  state,
  emptyText = 'Your login history will appear here after your next login.',
}: {
  state: SecurityState;
  emptyText?: string;
}) {
  if (state.status === 'loading') {
    return (
      <p className="muted">
        <span className="skeleton" aria-hidden="true" />
        <span className="visually-hidden">Loading your login history…</span>
      </p>
    );
  }
  if (state.status === 'error') return <p className="muted">Your login history could not be loaded.</p>;
  const { lastLogin, previousLogin, timeZone } = state.summary;
  if (lastLogin === null) {
    return (
      <p className="empty-state" data-testid="last-login-empty">
        {emptyText}
      </p>
    );
  }
  return (
    <dl className="details details--pairs">
      <div className="details__row">
        <dt>Date and Time</dt>
        <dd data-testid="last-login-at">
          <time dateTime={lastLogin.at}>{formatDateTime(lastLogin.at, timeZone)}</time>
        </dd>
      </div>
      <div className="details__row">
        <dt>IP Address</dt>
        <dd data-testid="last-login-ip" className="numeric">
          {lastLogin.ip}
        </dd>
      </div>
      <div className="details__row">
        <dt>Web Browser</dt>
        <dd data-testid="last-login-browser">{lastLogin.browser}</dd>
      </div>
      <div className="details__row">
        <dt>Previous Login</dt>
        <dd data-testid="previous-login">
          {previousLogin === null ? (
            'None'
          ) : (
            <>
              <time dateTime={previousLogin.at}>{formatDateTime(previousLogin.at, timeZone)}</time> ·{' '}
              <span className="numeric">{previousLogin.ip}</span> · {previousLogin.browser}
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}
