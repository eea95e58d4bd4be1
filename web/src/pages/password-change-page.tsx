import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { LogoutButton } from '../components/logout-button.js';
import { NewPasswordFields } from '../components/new-password-fields.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { usePasswordPolicy } from '../lib/use-password-policy.js';
import { useSession } from '../session.js';
import type { PolicyViolation } from '../types.js';

interface Problem {
  message: string;
  violations: PolicyViolation[];
  field: 'new' | 'confirm' | null;
}

/** Forced password change after signing in with a temporary (or expired) password. */
export function PasswordChangePage() {
  usePageTitle('Choose a New Password');
  const { refresh, expire } = useSession();
  const policy = usePasswordPolicy();
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const newRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  function fail(next: Problem) {
    setProblem(next);
    setAttempt((n) => n + 1);
    if (next.field === 'new') newRef.current?.focus();
    if (next.field === 'confirm') confirmRef.current?.focus();
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (newPassword === '') {
      fail({ message: 'Enter a new password.', violations: [], field: 'new' });
      return;
    }
    if (confirmPassword !== newPassword) {
      fail({
        message: 'The passwords do not match. Enter the same new password in both fields.',
        violations: [],
        field: 'confirm',
      });
      return;
    }
    setSubmitting(true);
    setProblem(null);
    try {
      await api.changeTemporaryPassword(newPassword, confirmPassword);
      await refresh();
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) {
        expire();
        return;
      }
      if (caught instanceof ApiError) {
        fail({
          message: caught.message,
          violations: caught.violations,
          field: caught.code === 'password_mismatch' ? 'confirm' : 'new',
        });
      } else {
        fail({ message: 'Something went wrong. Try again.', violations: [], field: null });
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthLayout
      title="Choose a New Password"
      subtitle="You logged in with a temporary or expired password. Choose a new password to continue."
    >
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="Choose a new password">
        <FormAlert key={attempt} message={problem?.message ?? null} violations={problem?.violations ?? []} />
        <NewPasswordFields
          newPassword={newPassword}
          confirmPassword={confirmPassword}
          onNewPassword={setNewPassword}
          onConfirmPassword={setConfirmPassword}
          invalid={problem?.field ?? null}
          newRef={newRef}
          confirmRef={confirmRef}
          hint="Use a long passphrase that you don't use on any other site."
          policy={policy}
          showChecklist={policy !== null}
        />
        <button
          type="submit"
          className="button button--primary button--block"
          disabled={submitting}
          aria-busy={submitting || undefined}
        >
          {submitting && <span className="spinner" aria-hidden="true" />}
          Change Password
        </button>
      </form>
      <div className="auth__secondary">
        <LogoutButton className="button button--link" />
      </div>
    </AuthLayout>
  );
}
