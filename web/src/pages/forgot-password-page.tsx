import { useState, type FormEvent } from 'react';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { Notice } from '../components/notice.js';
import { TextField } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** Placeholder until POST /api/auth/forgot-password ships: the form is real, sending is not yet. */
export function ForgotPasswordPage() {
  usePageTitle('Forgot Password');
  const [practiceCode, setPracticeCode] = useState('');
  const [username, setUsername] = useState('');
  const [submitted, setSubmitted] = useState(false);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
  }

  return (
    <AuthLayout
      title="Forgot your password?"
      subtitle="Enter your practice code and user name and we'll email you a link to choose a new password."
    >
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="Forgot password">
        <Notice testId="coming-soon">
          {submitted ? (
            <p>
              <strong>Password reset by email is arriving soon.</strong> Until then, ask your Practice
              Administrator to reset your password.
            </p>
          ) : (
            <p>
              Password reset by email is arriving soon. Until then, your Practice Administrator can reset it.
            </p>
          )}
        </Notice>
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
        <button type="submit" className="button button--primary button--block">
          Send Reset Link
        </button>
        <div className="form__links form__links--center">
          <AppLink href="/login">Back to Log In</AppLink>
        </div>
      </form>
    </AuthLayout>
  );
}
