import { startAuthentication } from '@simplewebauthn/browser';
import { useState } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { twoFactorApi } from '../two-factor-api.js';

/** "Use a passkey" at the second-factor step: the browser asks for the passkey or security key. */
export function PasskeySignInButton({
  rememberBrowser,
  onError,
}: {
  rememberBrowser: boolean;
  onError: (message: string) => void;
}) {
  const { refresh, expire } = useSession();
  const [busy, setBusy] = useState(false);

  async function signIn() {
    setBusy(true);
    try {
      const { options } = await twoFactorApi.passkeySignInOptions();
      const response = await startAuthentication({ optionsJSON: options });
      await twoFactorApi.passkeySignIn(response, rememberBrowser);
      await refresh();
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) return expire();
      onError(
        caught instanceof ApiError
          ? caught.message
          : 'The passkey was not used. Try again, or enter a code from your authenticator app.',
      );
      setBusy(false);
    }
  }

  return (
    <button
      type="button"
      className="button button--secondary button--block"
      onClick={() => void signIn()}
      disabled={busy}
      aria-busy={busy || undefined}
    >
      Use a Passkey
    </button>
  );
}
