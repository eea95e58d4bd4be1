import { formatDateTime } from '../lib/format.js';
import type { SecurityState } from './security-state.js';

export function LastLoginDetails({
  state,
  emptyText = 'Your sign-in history will appear here after your next login.',
}: {
  state: SecurityState;
  emptyText?: string;
}) {
  if (state.status === 'loading') {
    return (
      <p className="muted">
        <span className="skeleton" aria-hidden="true" />
        <span className="visually-hidden">Loading your sign-in history…</span>
      </p>
    );
  }
  if (state.status === 'error') return <p className="muted">Your sign-in history could not be loaded.</p>;
  const { lastLogin, timeZone } = state.summary;
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
    </dl>
  );
}
