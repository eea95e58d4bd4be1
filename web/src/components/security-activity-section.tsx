import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useSession } from '../session.js';
import { AppLink } from './app-link.js';
import { FormAlert } from './form-alert.js';
import { LastLoginDetails } from './last-login-details.js';
import { PasswordRow } from './password-row.js';
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
        else if (error instanceof ApiError && error.isNotFound) setState({ status: 'unavailable' });
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
    <section
      className="card security"
      aria-labelledby="security-activity-heading"
      aria-busy={state.status === 'loading'}
      data-testid="security-activity"
    >
      <header className="card__header">
        <h2 id="security-activity-heading" className="card__title">
          Security &amp; Activity
        </h2>
        <p className="card__intro">
          Manage how you sign in to Gatehouse and check recent access to your account.
        </p>
      </header>
      {state.status === 'error' && (
        <div className="security__error">
          <FormAlert message={state.message} />
          <button type="button" className="button button--secondary" onClick={retry}>
            Try Again
          </button>
        </div>
      )}
      <div className="security__rows">
        <div className="security__row" data-testid="last-login">
          <h3 className="security__label">Last Login</h3>
          <div className="security__value">
            <LastLoginDetails state={state} />
          </div>
        </div>
        <PasswordRow state={state} />
        <TwoFactorRow />
        <div className="security__row">
          <h3 className="security__label">Sessions</h3>
          <div className="security__value">
            <SessionsList
              mode="own"
              timeZone={state.status === 'ready' ? state.summary.timeZone : undefined}
            />
          </div>
        </div>
        <div className="security__row">
          <h3 className="security__label">Activity Log</h3>
          <div className="security__value">
            <div className="security__actions">
              <AppLink className="button button--secondary" href="/profile/activity">
                View Activity Log
              </AppLink>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
