import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { twoFactorApi, type RecoveryCodes, type TotpSetup } from '../two-factor-api.js';
import { CurrentPasswordForm } from './current-password-form.js';
import { FormAlert } from './form-alert.js';
import { RecoveryCodeSheet } from './recovery-code-sheet.js';
import { TextField } from './text-field.js';

type Step =
  | { name: 'password' }
  | { name: 'start' }
  | { name: 'scan'; setup: TotpSetup }
  | { name: 'codes'; result: RecoveryCodes };

/** "ABCD EFGH …": the key in groups of four, easier to type into an app by hand. */
export function groupKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * Enrolling an authenticator app: current password -> scan the QR code (or type the key) and
 * enter the code the app shows -> the recovery codes, once. Used on the Profile and at the
 * sign-in step a practice requirement forces, where the password just typed to log in is the
 * proof (`passwordProven`: no second prompt; src/domain/session-stage.ts `stageProvesPassword`).
 */
export function TotpEnrollment({
  passwordProven = false,
  onConfirmed,
  onFinished,
  onCancel,
}: {
  /** The server needs no current password (the forced enrolment stage of a sign-in). */
  passwordProven?: boolean;
  /** Two-factor authentication is on: the recovery codes are being shown. */
  onConfirmed?: () => void;
  /** After the recovery codes were shown; `next` is set when enrolling finished a sign-in. */
  onFinished: (result: RecoveryCodes) => void;
  onCancel?: () => void;
}) {
  const [step, setStep] = useState<Step>(passwordProven ? { name: 'start' } : { name: 'password' });

  if (step.name === 'start') return <StartStep onStarted={(setup) => setStep({ name: 'scan', setup })} />;
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
        onConfirmed={(result) => {
          setStep({ name: 'codes', result });
          onConfirmed?.();
        }}
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

/** The forced enrolment's first step: nothing to type, the password just used to log in was the proof. */
function StartStep({ onStarted }: { onStarted: (setup: TotpSetup) => void }) {
  const { expire } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  async function start() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onStarted(await twoFactorApi.setup());
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) return expire();
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
      setAttempt((n) => n + 1);
      setBusy(false);
    }
  }

  return (
    <div className="form two-factor__panel">
      <p>
        You need an authenticator app on your phone, for example Google Authenticator, Microsoft Authenticator
        or 1Password.
      </p>
      <FormAlert key={attempt} message={error} />
      <div className="two-factor__buttons">
        <button
          type="button"
          className="button button--primary"
          onClick={() => void start()}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy && <span className="spinner" aria-hidden="true" />}
          Set Up
        </button>
      </div>
    </div>
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
  // The QR code and key come below the steps (on the Profile, below most of the card): bring
  // them into view, a phone shows little at once. A layout effect scrolls before the first
  // paint, so nothing jumps. The braces matter: Chromium's scrollIntoView returns a promise,
  // and an effect that returns it hands React a "cleanup" that is not a function, which throws
  // when the recovery codes replace this step and blanks the page (commit 15fc6c1's revert).
  const scanRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    scanRef.current?.scrollIntoView({ block: 'center' });
  }, []);

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
      <div className="two-factor__scan" ref={scanRef}>
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
        {/* On a phone the app is on this very device: a tap adds the account (two-factor.css shows it there). */}
        <a className="button button--secondary two-factor__add-link" href={setup.otpauthUri}>
          Add to Authenticator App
        </a>
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
