import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { twoFactorApi, type RecoveryCodes, type TotpSetup } from '../two-factor-api.js';
import { CurrentPasswordForm } from './current-password-form.js';
import { FormAlert } from './form-alert.js';
import { RecoveryCodeSheet } from './recovery-code-sheet.js';
import { TextField } from './text-field.js';

type Step =
  { name: 'password' } | { name: 'scan'; setup: TotpSetup } | { name: 'codes'; result: RecoveryCodes };

/** "ABCD EFGH …": the key in groups of four, easier to type into an app by hand. */
export function groupKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * Enrolling an authenticator app: current password -> scan the QR code (or type the key) and
 * enter the code the app shows -> the recovery codes, once. Used on the Profile and at the
 * sign-in step a practice requirement forces.
 */
export function TotpEnrollment({
  onFinished,
  onCancel,
}: {
  /** After the recovery codes were shown; `next` is set when enrolling finished a sign-in. */
  onFinished: (result: RecoveryCodes) => void;
  onCancel?: () => void;
}) {
  const [step, setStep] = useState<Step>({ name: 'password' });

  if (step.name === 'password') {
    return (
      <CurrentPasswordForm
        id="enrollPassword"
        intro="To set up two-factor authentication, first confirm it is you."
        submitLabel="Continue"
        onSubmit={async (password) => setStep({ name: 'scan', setup: await twoFactorApi.setup(password) })}
        onCancel={onCancel}
      />
    );
  }
  if (step.name === 'scan')
    return (
      <ScanStep
        setup={step.setup}
        onConfirmed={(result) => setStep({ name: 'codes', result })}
        onCancel={onCancel}
      />
    );
  return (
    <RecoveryCodeSheet
      codes={step.result.recoveryCodes}
      onDone={() => onFinished(step.result)}
      doneLabel="I Saved My Codes"
    />
  );
}

function ScanStep({
  setup,
  onConfirmed,
  onCancel,
}: {
  setup: TotpSetup;
  onConfirmed: (result: RecoveryCodes) => void;
  onCancel?: () => void;
}) {
  const { expire } = useSession();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onConfirmed(await twoFactorApi.confirm(code.trim()));
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) return expire();
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
      setAttempt((n) => n + 1);
      setBusy(false);
    }
  }

  return (
    <form
      className="form two-factor__panel"
      onSubmit={handleSubmit}
      noValidate
      aria-label="Confirm your authenticator app"
    >
      <ol className="two-factor__steps">
        <li>
          Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator
          or 1Password).
        </li>
        <li>Scan this QR code, or type the key below into the app.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <img
        className="two-factor__qr"
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrCodeSvg)}`}
        alt="QR code for your authenticator app"
        width={200}
        height={200}
      />
      <div className="field">
        <p className="field__label" id="totp-key-label">
          Key
        </p>
        <code className="two-factor__key" aria-labelledby="totp-key-label" data-testid="totp-key">
          {groupKey(setup.secret)}
        </code>
      </div>
      <FormAlert key={attempt} message={error} />
      <TextField
        id="totpCode"
        label="Code from the app"
        value={code}
        onValueChange={setCode}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={12}
        invalid={error !== null}
      />
      <div className="two-factor__buttons">
        <button
          type="submit"
          className="button button--primary"
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy && <span className="spinner" aria-hidden="true" />}
          Turn On Two-Factor Authentication
        </button>
        {onCancel && (
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
