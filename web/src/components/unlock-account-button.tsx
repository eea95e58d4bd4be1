import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { formatDateTime } from '../lib/format.js';
import { FormAlert } from './form-alert.js';

/**
 * Staff > Name > Security & Activity: whether the account is locked after failed sign-ins, and
 * an Unlock button for the Practice Administrator. `lockedUntil` is `locked.until` from
 * GET /api/staff/:id/security (null when not locked).
 */
interface UnlockAccountProps {
  userId: string;
  lockedUntil: string | null;
  /** The practice's time zone, in which the lock's end is shown. */
  timeZone: string;
  /** Called after a successful unlock, so the page can reload the user's security summary. */
  onUnlocked: () => void;
}

export function UnlockAccount({ userId, lockedUntil, timeZone, onUnlocked }: UnlockAccountProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (lockedUntil === null) return <p data-testid="lock-status">Not locked</p>;

  async function unlock() {
    setBusy(true);
    setError(null);
    try {
      await api.unlockStaff(userId);
      onUnlocked();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The account could not be unlocked. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="lock-status" data-testid="lock-status">
      <span>
        Locked after too many failed login attempts, until {formatDateTime(lockedUntil, timeZone)}. The user
        can still reset their password with “Forgot Password?”.
      </span>
      <button
        type="button"
        className="button button--secondary"
        disabled={busy}
        onClick={() => void unlock()}
      >
        {busy ? 'Unlocking…' : 'Unlock'}
      </button>
      <FormAlert message={error} />
    </div>
  );
}
