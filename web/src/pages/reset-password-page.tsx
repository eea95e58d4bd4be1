import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { Notice } from '../components/notice.js';
import { NewPasswordFields } from '../components/new-password-fields.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { PolicyViolation } from '../types.js';

/**
 * The emailed link's page. The token arrives in the URL fragment (#token=…), which browsers
 * never send to a server; it is read once and removed from the address bar and history.
 */
function takeTokenFromFragment(): string {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  if (window.location.hash !== '') window.history.replaceState(null, '', window.location.pathname);
  return token;
}

export function ResetPasswordPage() {
  usePageTitle('Choose a New Password');
  const [token] = useState(takeTokenFromFragment);
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<{ message: string; violations: PolicyViolation[] } | null>(null);
  const [attempt, setAttempt] = useState(0);

  function fail(message: string, violations: PolicyViolation[] = []) {
    setProblem({ message, violations });
    setAttempt((n) => n + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (newPassword === '') return fail('Enter a new password.');
    if (newPassword !== confirmPassword)
      return fail('The passwords do not match. Enter the same new password in both fields.');
    setSubmitting(true);
    setProblem(null);
    try {
      await api.resetPassword(token, newPassword, confirmPassword);
      setDone(true);
    } catch (caught) {
      if (caught instanceof ApiError) fail(caught.message, caught.violations);
      else fail('Something went wrong. Try again.');
    } finally {
      setSubmitting(false);
    }
  }

  if (token === '')
    return (
      <AuthLayout title="Reset Your Password">
        <div className="form">
          <FormAlert message="This page needs the link from your password reset email. Request a New Link if yours has expired." />
          <div className="form__links form__links--center">
            <AppLink href="/forgot-password">Request a New Link</AppLink>
          </div>
        </div>
      </AuthLayout>
    );

  return (
    <AuthLayout
      title="Choose a New Password"
      subtitle="Choose the password you will use to log in from now on."
    >
      {done ? (
        <div className="form">
          <Notice testId="password-reset-done">
            <p>
              <strong>Your password was reset.</strong> You were logged out everywhere. Log in with your new
              password.
            </p>
          </Notice>
          <AppLink href="/login" className="button button--primary button--block">
            Log In
          </AppLink>
        </div>
      ) : (
        <form className="form" onSubmit={handleSubmit} noValidate aria-label="Choose a new password">
          <FormAlert
            key={attempt}
            message={problem?.message ?? null}
            violations={problem?.violations ?? []}
          />
          <NewPasswordFields
            newPassword={newPassword}
            confirmPassword={confirmPassword}
            onNewPassword={setNewPassword}
            onConfirmPassword={setConfirmPassword}
            policy={null}
            showChecklist
          />
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={submitting}
            aria-busy={submitting || undefined}
          >
            {submitting && <span className="spinner" aria-hidden="true" />}
            Reset Password
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
