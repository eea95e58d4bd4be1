import { useState } from 'react';
import { formatDate } from '../lib/format.js';
import { ChangePasswordDialog } from './change-password-dialog.js';
import { Notice } from './notice.js';
import { SecurityRow } from './security-card.js';
import type { SecurityState } from './security-state.js';

export function PasswordRow({ state }: { state: SecurityState }) {
  const [open, setOpen] = useState(false);
  const [changed, setChanged] = useState(false);
  const changedAt = state.status === 'ready' ? state.summary.passwordChangedAt : null;
  return (
    <SecurityRow label="Password" testId="password-status">
      {changed && (
        <Notice testId="password-changed">
          <p>Your password was changed. Use your new password the next time you log in.</p>
        </Notice>
      )}
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
          onClick={() => {
            setChanged(false);
            setOpen(true);
          }}
        >
          Change Your Password
        </button>
      </div>
      {open && (
        <ChangePasswordDialog
          onClose={() => setOpen(false)}
          onChanged={() => {
            setOpen(false);
            setChanged(true);
          }}
        />
      )}
    </SecurityRow>
  );
}
