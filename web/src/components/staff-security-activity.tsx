import { api } from '../api.js';
import { formatDate, formatDateTime } from '../lib/format.js';
import { useLoader } from '../lib/use-loader.js';
import type { StaffSecuritySummary } from '../types.js';
import { AppLink } from './app-link.js';
import { FormAlert } from './form-alert.js';
import { LastLoginDetails } from './last-login-details.js';
import type { SecurityState } from './security-state.js';
import { SessionsList } from './sessions-list.js';
import { TwoFactorRow } from './two-factor-row.js';

/**
 * Staff > Name > Security & Activity, for a Practice Administrator: the user's last login
 * (date and time, IP address, web browser), password, two-factor and lock state, open
 * sessions with Sign Out Everywhere, and the way to their activity log.
 */
export function StaffSecurityActivity({ userId }: { userId: string }) {
  const [loaded, reload] = useLoader<StaffSecuritySummary>(() => api.staffSecurity(userId), userId);
  const state: SecurityState =
    loaded.status === 'ready'
      ? { status: 'ready', summary: loaded.value }
      : loaded.status === 'error'
        ? { status: 'error', message: loaded.message }
        : { status: 'loading' };
  const summary = loaded.status === 'ready' ? loaded.value : null;

  return (
    <section
      className="card security"
      aria-labelledby="staff-security-heading"
      aria-busy={loaded.status === 'loading'}
      data-testid="staff-security-activity"
    >
      <header className="card__header">
        <h2 id="staff-security-heading" className="card__title">
          Security &amp; Activity
        </h2>
        <p className="card__intro">How and when this user last signed in, and what they have done.</p>
      </header>
      {loaded.status === 'error' && (
        <div className="security__error">
          <FormAlert message={loaded.message} />
          <button type="button" className="button button--secondary" onClick={reload}>
            Try Again
          </button>
        </div>
      )}
      <div className="security__rows">
        <div className="security__row" data-testid="last-login">
          <h3 className="security__label">Last Login</h3>
          <div className="security__value">
            <LastLoginDetails state={state} emptyText="This user has not logged in yet." />
          </div>
        </div>
        <div className="security__row" data-testid="password-status">
          <h3 className="security__label">Password</h3>
          <div className="security__value">
            {summary?.passwordChangedAt && (
              <p>
                Last changed{' '}
                <time dateTime={summary.passwordChangedAt}>{formatDate(summary.passwordChangedAt)}</time>.
              </p>
            )}
          </div>
        </div>
        <TwoFactorRow state={state} />
        <div className="security__row" data-testid="lock-status">
          <h3 className="security__label">Account Lock</h3>
          <div className="security__value">
            {summary &&
              (summary.locked ? (
                <p>
                  <span className="badge badge--off">Locked</span> until{' '}
                  <time dateTime={summary.locked.until}>
                    {formatDateTime(summary.locked.until, summary.timeZone)}
                  </time>
                </p>
              ) : (
                <p>Not locked.</p>
              ))}
          </div>
        </div>
        <div className="security__row">
          <h3 className="security__label">Sessions</h3>
          <div className="security__value">
            <SessionsList mode="staff" userId={userId} timeZone={summary?.timeZone} />
          </div>
        </div>
        <div className="security__row">
          <h3 className="security__label">Activity Log</h3>
          <div className="security__value">
            <div className="security__actions">
              <AppLink
                className="button button--secondary"
                href={`/staff/${encodeURIComponent(userId)}/activity`}
              >
                View Activity Log
              </AppLink>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
