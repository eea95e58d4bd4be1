import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { Notice } from '../components/notice.js';
import { TextField } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** Forgot password: the same answer whether or not the account exists. */
export function ForgotPasswordPage() {
  usePageTitle('Forgot Password');
  const [practiceCode, setPracticeCode] = useState('');
  const [username, setUsername] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (practiceCode.trim() === '' || username.trim() === '') {
      setError('Enter your practice code and your user name.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await api.forgotPassword(practiceCode.trim(), username.trim());
      setSent(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="Enter your practice code and user name and we'll email you a link to choose a new password."
    >
      {sent ? (
        <div className="form">
          <Notice testId="reset-link-sent">
            <p>
              <strong>Check your email.</strong> If the practice code and user name match an account, we sent
              a link to its email address. The link works once, for 60 minutes.
            </p>
          </Notice>
          <div className="form__links form__links--center">
            <AppLink href="/login">Back to Log In</AppLink>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={handleSubmit} noValidate aria-label="Forgot password">
          <FormAlert message={error} />
          <TextField
            id="practiceCode"
            label="Practice Code"
            value={practiceCode}
            onValueChange={setPracticeCode}
            autoComplete="organization"
            autoCapitalize="none"
            spellCheck={false}
          />
          <TextField
            id="username"
            label="User Name"
            value={username}
            onValueChange={setUsername}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
          />
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={submitting}
            aria-busy={submitting || undefined}
          >
            {submitting && <span className="spinner" aria-hidden="true" />}
            Send Reset Link
          </button>
          <div className="form__links form__links--center">
            <AppLink href="/forgot-practice-code">Forgot your practice code?</AppLink>
            <AppLink href="/login">Back to Log In</AppLink>
          </div>
        </form>
      )}
    </AuthLayout>
  );
}
