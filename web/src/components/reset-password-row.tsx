import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { formatDate } from '../lib/format.js';
import type { StaffUser, TemporaryPassword } from '../types.js';
import { FormAlert } from './form-alert.js';
import { ModalDialog } from './modal-dialog.js';
import { SecurityRow } from './security-card.js';
import { TemporaryPasswordDialog } from './temporary-password-dialog.js';

/** Staff > Name > Security & Activity > Reset Password: confirm, then the temporary password once. */
export function ResetPasswordRow({ user, lastChanged }: { user: StaffUser; lastChanged: string | null }) {
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
      <p>
        Give {user.firstName} a temporary password if they cannot log in. They will choose a new one at their
        next log in.
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
            ({user.username})? They will be signed out everywhere and will need the temporary password to log
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
          onClose={() => setIssued(null)}
        />
      )}
    </SecurityRow>
  );
}
