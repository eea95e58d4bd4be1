import { formatDate } from '../lib/format.js';
import type { SecurityState } from './security-state.js';

export function PasswordRow({ state }: { state: SecurityState }) {
  const changedAt = state.status === 'ready' ? state.summary.passwordChangedAt : null;
  return (
    <div className="security__row" data-testid="password-status">
      <h3 className="security__label">Password</h3>
      <div className="security__value">
        <p>
          {changedAt !== null ? (
            <>
              Last changed <time dateTime={changedAt}>{formatDate(changedAt)}</time>.
            </>
          ) : (
            'Use a password you do not use anywhere else.'
          )}
        </p>
        <div className="security__actions">
          <button
            type="button"
            className="button button--secondary"
            disabled
            aria-describedby="change-password-note"
          >
            Change Your Password
          </button>
          <p id="change-password-note" className="field__hint">
            Changing your password here is coming soon.
          </p>
        </div>
      </div>
    </div>
  );
}
