import { useRef, useState } from 'react';
import { ApiError } from '../api.js';
import { twoFactorApi } from '../two-factor-api.js';
import { FormAlert } from './form-alert.js';

/**
 * Staff > Name > Security & Activity > Remove Two-Factor Authentication (Practice Administrators):
 * a confirmation dialog, then the removal, which also signs the user out everywhere.
 */
export function RemoveTwoFactorButton({
  userId,
  userName,
  onRemoved,
}: {
  userId: string;
  userName: string;
  onRemoved: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await twoFactorApi.removeForStaff(userId);
      dialog.current?.close();
      onRemoved();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="button button--secondary" onClick={() => dialog.current?.showModal()}>
        Remove Two-Factor Authentication
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`remove-2fa-title-${userId}`}>
        <h2 className="dialog__title" id={`remove-2fa-title-${userId}`}>
          Remove Two-Factor Authentication?
        </h2>
        <p>
          {userName} will be logged out everywhere. Their authenticator app, recovery codes, passkeys and
          remembered browsers stop working. If your practice requires two-factor authentication, they set it
          up again at their next login.
        </p>
        <FormAlert message={error} />
        <div className="dialog__buttons">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => dialog.current?.close()}
            disabled={busy}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => void remove()}
            disabled={busy}
            aria-busy={busy || undefined}
          >
            Remove Two-Factor Authentication
          </button>
        </div>
      </dialog>
    </>
  );
}
