import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { LogoutButton } from '../components/logout-button.js';
import { PasskeySignInButton } from '../components/passkey-sign-in-button.js';
import { TextField } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useSession } from '../session.js';
import { twoFactorApi, type SecondFactorOptions } from '../two-factor-api.js';

/** Sign-in step two: a code from the authenticator app, a recovery code, or a passkey. */
export function TwoFactorPage() {
  usePageTitle('Two-Factor Authentication');
  const { refresh, expire } = useSession();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [remember, setRemember] = useState(false);
  const [options, setOptions] = useState<SecondFactorOptions | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let active = true;
    twoFactorApi.signInOptions().then(
      (value) => {
        if (active) setOptions(value);
      },
      (caught: unknown) => {
        if (active && caught instanceof ApiError && caught.isUnauthenticated) expire();
      },
    );
    return () => {
      active = false;
    };
  }, [expire]);

  function fail(message: string) {
    setError(message);
    setAttempt((n) => n + 1);
    setCode('');
    codeRef.current?.focus();
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (code.trim() === '')
      return fail(
        useRecovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code from your app.',
      );
    setBusy(true);
    setError(null);
    try {
      await api.verifyTwoFactor(code.trim(), remember);
      await refresh();
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) return expire();
      fail(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
      setBusy(false);
    }
  }

  function switchMethod() {
    setUseRecovery((value) => !value);
    setCode('');
    setError(null);
  }

  const days = options?.rememberBrowserDays ?? 0;
  return (
    <AuthLayout
      title="Two-Factor Authentication"
      subtitle="Your account is protected with two-factor authentication."
    >
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="Two-factor authentication">
        <FormAlert key={attempt} message={error} />
        {useRecovery ? (
          <TextField
            id="recoveryCode"
            label="Recovery Code"
            hint="Each recovery code works once."
            value={code}
            onValueChange={setCode}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={32}
            invalid={error !== null}
            inputRef={codeRef}
            autoFocus
          />
        ) : (
          <TextField
            id="totpCode"
            label="Authentication Code"
            hint="Enter the 6-digit code your authenticator app shows."
            value={code}
            onValueChange={setCode}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={12}
            invalid={error !== null}
            inputRef={codeRef}
            autoFocus
          />
        )}
        {days > 0 && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={remember}
              onChange={(event) => setRemember(event.target.checked)}
            />
            Remember this browser for {days === 1 ? '1 day' : `${days} days`}
          </label>
        )}
        <button
          type="submit"
          className="button button--primary button--block"
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy && <span className="spinner" aria-hidden="true" />}
          Verify
        </button>
        <button type="button" className="button button--link" onClick={switchMethod}>
          {useRecovery ? 'Use your authenticator app instead' : 'Use a recovery code instead'}
        </button>
        {options?.passkeys && <PasskeySignInButton rememberBrowser={remember} onError={fail} />}
      </form>
      <div className="auth__secondary">
        <LogoutButton className="button button--link" />
      </div>
    </AuthLayout>
  );
}
