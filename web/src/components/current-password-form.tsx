import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { FormAlert } from './form-alert.js';
import { PasswordField } from './password-field.js';

/** Asks for the current password before a security change (fresh proof), then runs it. */
export function CurrentPasswordForm({
  id,
  intro,
  submitLabel,
  danger = false,
  onSubmit,
  onCancel,
}: {
  id: string;
  intro: string;
  submitLabel: string;
  danger?: boolean;
  onSubmit: (currentPassword: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const { expire } = useSession();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (password === '') {
      setError('Enter your current password.');
      setAttempt((n) => n + 1);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(password);
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) return expire();
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
      setAttempt((n) => n + 1);
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <form className="form two-factor__panel" onSubmit={handleSubmit} noValidate aria-label={submitLabel}>
      <p>{intro}</p>
      <FormAlert key={attempt} message={error} />
      <PasswordField
        id={id}
        label="Current Password"
        value={password}
        onValueChange={setPassword}
        autoComplete="current-password"
        invalid={error !== null}
      />
      <div className="two-factor__buttons">
        <button
          type="submit"
          className={danger ? 'button button--danger' : 'button button--primary'}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy && <span className="spinner" aria-hidden="true" />}
          {submitLabel}
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
