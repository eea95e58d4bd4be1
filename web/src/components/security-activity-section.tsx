import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useSession } from '../session.js';
import { LastLoginDetails } from './last-login-details.js';
import { PasswordRow } from './password-row.js';
import { ActivityLogRow, SecurityCard, SecurityRow } from './security-card.js';
import type { SecurityState } from './security-state.js';
import { SessionsList } from './sessions-list.js';
import { TwoFactorRow } from './two-factor-row.js';

/** Profile > Information > Security & Activity, for the signed-in user. */
export function SecurityActivitySection() {
  const { expire } = useSession();
  const [state, setState] = useState<SecurityState>({ status: 'loading' });
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let active = true;
    api.mySecurity().then(
      (summary) => {
        if (active) setState({ status: 'ready', summary });
      },
      (error: unknown) => {
        if (!active) return;
        if (error instanceof ApiError && error.isUnauthenticated) expire();
        else
          setState({ status: 'error', message: error instanceof ApiError ? error.message : String(error) });
      },
    );
    return () => {
      active = false;
    };
  }, [expire, reloads]);

  function retry() {
    setState({ status: 'loading' });
    setReloads((n) => n + 1);
  }

  return (
    <SecurityCard
      headingId="security-activity-heading"
      testId="security-activity"
      intro="Manage how you log in to Gatehouse and check recent access to your account."
      busy={state.status === 'loading'}
      error={state.status === 'error' ? state.message : null}
      onRetry={retry}
    >
      <SecurityRow label="Last Login" testId="last-login">
        <LastLoginDetails state={state} />
      </SecurityRow>
      <PasswordRow state={state} />
      <TwoFactorRow />
      <SecurityRow label="Sessions">
        <SessionsList mode="own" timeZone={state.status === 'ready' ? state.summary.timeZone : undefined} />
      </SecurityRow>
      <ActivityLogRow href="/profile/activity" />
    </SecurityCard>
  );
}
