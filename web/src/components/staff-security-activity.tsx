import { api } from '../api.js';
import { useLoader } from '../lib/use-loader.js';
import type { StaffSecuritySummary, StaffUser } from '../types.js';
import { ResetPasswordRow } from './reset-password-row.js';
import { LastLoginDetails } from './last-login-details.js';
import { ActivityLogRow, SecurityCard, SecurityRow } from './security-card.js';
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
    <SecurityCard
      headingId="staff-security-heading"
      testId="staff-security-activity"
      intro="How and when this user last logged in, and what they have done."
      busy={loaded.status === 'loading'}
      error={loaded.status === 'error' ? loaded.message : null}
      onRetry={reload}
    >
      <SecurityRow label="Last Login" testId="last-login">
        <LastLoginDetails state={state} emptyText="This user has not logged in yet." />
      </SecurityRow>
      <ResetPasswordRow user={user} summary={summary} onReset={reload} />
      <SecurityRow label="Two-Factor Authentication" testId="two-factor-status">
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
      </SecurityRow>
      <SecurityRow label="Account Lock">
        {summary && (
          <UnlockAccount
            userId={userId}
            lockedUntil={summary.locked?.until ?? null}
            timeZone={summary.timeZone}
            onUnlocked={reload}
          />
        )}
      </SecurityRow>
      <SecurityRow label="Sessions">
        {/* Keyed by the count, so a removal or reset that ended sessions reloads the list. */}
        <SessionsList
          key={summary?.activeSessions}
          mode="staff"
          userId={userId}
          timeZone={summary?.timeZone}
        />
      </SecurityRow>
      <ActivityLogRow href={`/staff/${encodeURIComponent(userId)}/activity`} />
    </SecurityCard>
  );
}
