import { useState } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { FormAlert } from './form-alert.js';

/** A "Log out" button for the screens between the password and the app (second factor, new password, ...). */
export function LogoutButton({
  className = 'button button--secondary button--block',
}: {
  className?: string;
}) {
  const { logout } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleClick() {
    setBusy(true);
    setError(null);
    try {
      await logout();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'We could not log you out. Try again.');
      setBusy(false);
    }
  }

  return (
    <>
      <FormAlert message={error} />
      <button type="button" className={className} onClick={() => void handleClick()} disabled={busy}>
        Log Out
      </button>
    </>
  );
}
