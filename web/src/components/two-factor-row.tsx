import type { ReactNode } from 'react';
import type { SecurityState } from './security-state.js';

function recoveryCodes(remaining: number | null): string {
  if (remaining === null) return '';
  return remaining === 1 ? ' · 1 recovery code remaining' : ` · ${remaining} recovery codes remaining`;
}

export function TwoFactorRow({ state }: { state: SecurityState }) {
  let status: ReactNode;
  if (state.status === 'ready') {
    const { enabled, recoveryCodesRemaining } = state.summary.twoFactor;
    status = enabled ? (
      <p>
        <span className="badge badge--on">On</span>
        {recoveryCodes(recoveryCodesRemaining)}
      </p>
    ) : (
      <p>
        <span className="badge badge--off">Off</span> Add a code from an authenticator app to each sign-in.
      </p>
    );
  } else if (state.status === 'loading') {
    status = (
      <p className="muted">
        <span className="skeleton skeleton--short" aria-hidden="true" />
      </p>
    );
  } else if (state.status === 'error') {
    status = <p className="muted">Status could not be loaded.</p>;
  } else {
    status = <p className="muted">Status not available yet.</p>;
  }
  return (
    <div className="security__row" data-testid="two-factor-status">
      <h3 className="security__label">Two-Factor Authentication</h3>
      <div className="security__value">{status}</div>
    </div>
  );
}
