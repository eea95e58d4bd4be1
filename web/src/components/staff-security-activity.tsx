import { api } from '../api.js';
import { useLoader } from '../lib/use-loader.js';
import type { StaffSecuritySummary, StaffUser } from '../types.js';
import { ResetPasswordRow } from './reset-password-row.js';
import { AppLink } from './app-link.js';
import { FormAlert } from './form-alert.js';
import { LastLoginDetails } from './last-login-details.js';
import type { SecurityState } from './security-state.js';
import { SessionsList } from './sessions-list.js';
import { RemoveTwoFactorButton } from './remove-two-factor-button.js';
import { UnlockAccount } from './unlock-account-button.js';

/**
 * Staff > Name > Security & Activity, for a Practice Administrator: the user's last login
 * (date and time, IP address, web browser), password, two-factor and lock state, open
 * sessions with Sign Out Everywhere, and the way to their activity log.
 */
export function StaffSecurityActivity({ user }: { user: StaffUser }) {
  const userId = user.id;
  const userName = `${user.firstName} ${user.lastName}`;
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
        <ResetPasswordRow user={user} lastChanged={summary?.passwordChangedAt ?? null} />
        <div className="security__row" data-testid="two-factor-status">
          <h3 className="security__label">Two-Factor Authentication</h3>
          <div className="security__value">
            {summary &&
              (summary.twoFactor.enabled ? (
                <>
                  <p>
                    <span className="badge badge--on">On</span>
                    {summary.twoFactor.recoveryCodesRemaining !== null &&
                      ` · ${summary.twoFactor.recoveryCodesRemaining} recovery codes remaining`}
                  </p>
                  <RemoveTwoFactorButton userId={userId} userName={userName} onRemoved={reload} />
                </>
              ) : (
                <p>
                  <span className="badge badge--off">Off</span>
                </p>
              ))}
          </div>
        </div>
        <div className="security__row">
          <h3 className="security__label">Account Lock</h3>
          <div className="security__value">
            {summary && (
              <UnlockAccount
                userId={userId}
                lockedUntil={summary.locked?.until ?? null}
                onUnlocked={reload}
              />
            )}
          </div>
        </div>
        <div className="security__row">
          <h3 className="security__label">Sessions</h3>
          <div className="security__value">
            {/* Keyed by the count, so a removal or reset that ended sessions reloads the list. */}
            <SessionsList
              key={summary?.activeSessions}
              mode="staff"
              userId={userId}
              timeZone={summary?.timeZone}
            />
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
