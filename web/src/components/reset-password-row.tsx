import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { formatDate, formatDateTime } from '../lib/format.js';
import type { StaffSecuritySummary, StaffUser, TemporaryPassword } from '../types.js';
import { FormAlert } from './form-alert.js';
import { ModalDialog } from './modal-dialog.js';
import { SecurityRow } from './security-card.js';
import { TemporaryPasswordDialog } from './temporary-password-dialog.js';

interface ResetPasswordRowProps {
  user: StaffUser;
  /** The user's security summary, once loaded: when the password changed, a pending temporary one. */
  summary: StaffSecuritySummary | null;
  /** Called after a reset (which signed the user out everywhere), so the page reloads the summary and sessions. */
  onReset: () => void;
}

/**
 * Staff > Name > Security & Activity > Reset Password: confirm, then the temporary password once;
 * a temporary password not yet replaced is shown with its expiry, in the practice's time zone.
 */
export function ResetPasswordRow({ user, summary, onReset }: ResetPasswordRowProps) {
  const lastChanged = summary?.passwordChangedAt ?? null;
  const pending = summary?.temporaryPassword ?? null;
  const [confirming, setConfirming] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<TemporaryPassword | null>(null);

  async function reset() {
    setSubmitting(true);
    setError(null);
    try {
      setIssued(await api.resetStaffPassword(user.id));
      setConfirming(false);
      onReset();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The password could not be reset. Try again.');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <SecurityRow label="Password" testId="reset-password-row">
      {lastChanged && (
        <p>
          Last changed <time dateTime={lastChanged}>{formatDate(lastChanged)}</time>.
        </p>
      )}
      {pending && summary && (
        <p data-testid="temporary-password-pending">
          {pending.expired ? 'A temporary password expired ' : 'A temporary password is pending until '}
          <time dateTime={pending.expiresAt}>{formatDateTime(pending.expiresAt, summary.timeZone)}</time>
          {pending.expired
            ? ' before it was used: reset the password again to give a new one.'
            : ': the user has not logged in with it yet.'}
        </p>
      )}
      <p>
        Give {user.firstName} a temporary password if they cannot log in. They will choose a new one at their
        next login.
      </p>
      <div className="security__actions">
        <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
          Reset Password
        </button>
      </div>
      {confirming && (
        <ModalDialog
          title="Reset Password"
          onClose={() => setConfirming(false)}
          testId="reset-password-confirm"
        >
          <FormAlert message={error} />
          <p>
            Reset the password of{' '}
            <strong>
              {user.firstName} {user.lastName}
            </strong>{' '}
            ({user.username})? They will be logged out everywhere and will need the temporary password to log
            in.
          </p>
          <div className="modal__actions">
            <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={() => void reset()}
              disabled={submitting}
            >
              Reset Password
            </button>
          </div>
        </ModalDialog>
      )}
      {issued !== null && (
        <TemporaryPasswordDialog
          title="Temporary Password"
          username={user.username}
          fullName={`${user.firstName} ${user.lastName}`.trim()}
          issued={issued}
          timeZone={summary?.timeZone}
          onClose={() => setIssued(null)}
        />
      )}
    </SecurityRow>
  );
}
