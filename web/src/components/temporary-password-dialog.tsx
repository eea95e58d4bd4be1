import { formatDateTime } from '../lib/format.js';
import type { TemporaryPassword } from '../types.js';
import { ModalDialog } from './modal-dialog.js';

/** Shows a temporary password once, large and monospaced, to be read out or written down. */
export function TemporaryPasswordDialog({
  title,
  username,
  fullName,
  issued,
  timeZone,
  onClose,
}: {
  title: string;
  username: string;
  /** The person's name, so the admin sees whom the password is for ("give it to Jamie Rivera"). */
  fullName?: string;
  issued: TemporaryPassword;
  /** The practice's time zone, in which the expiry is shown. */
  timeZone: string | undefined;
  onClose: () => void;
}) {
  return (
    <ModalDialog title={title} onClose={onClose} testId="temporary-password-dialog">
      <p>
        Remember or write down this temporary password and give it to{' '}
        {fullName ? (
          <>
            <strong>{fullName}</strong> ({username})
          </>
        ) : (
          <strong>{username}</strong>
        )}
        :
      </p>
      <p className="temporary-password" data-testid="temporary-password" translate="no">
        {issued.temporaryPassword}
      </p>
      <p>
        The password is case sensitive and includes dashes. The user should <strong>type it</strong> (not copy
        and paste) the next time they log in; they will then be asked to create a new password.
      </p>
      <p className="field__hint">
        It is shown only once and expires{' '}
        <time dateTime={issued.expiresAt}>{formatDateTime(issued.expiresAt, timeZone)}</time>.
      </p>
      <div className="modal__actions">
        <button type="button" className="button button--primary" onClick={onClose} autoFocus>
          OK
        </button>
      </div>
    </ModalDialog>
  );
}
