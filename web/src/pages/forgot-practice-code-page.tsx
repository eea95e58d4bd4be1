import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { Notice } from '../components/notice.js';
import { TextField } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** Forgot practice code: emails the codes linked to the address; the same answer whatever exists. */
export function ForgotPracticeCodePage() {
  usePageTitle('Forgot Practice Code');
  const [email, setEmail] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (!email.includes('@')) {
      setError('Enter the email address of your account, such as name@example.com.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await api.forgotPracticeCode(email.trim());
      setSent(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthLayout
      title="Forgot your practice code?"
      subtitle="Enter your email address and we'll email you the practice codes linked to it."
    >
      {sent ? (
        <div className="form">
          <Notice testId="practice-code-sent">
            <p>
              <strong>Check your email.</strong> If an account uses this address, we sent it the practice
              code.
            </p>
          </Notice>
          <div className="form__links form__links--center">
            <AppLink href="/login">Back to Log In</AppLink>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={handleSubmit} noValidate aria-label="Forgot practice code">
          <FormAlert message={error} />
          <TextField
            id="email"
            label="Email Address"
            type="email"
            value={email}
            onValueChange={setEmail}
            autoComplete="email"
            spellCheck={false}
          />
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={submitting}
            aria-busy={submitting || undefined}
          >
            {submitting && <span className="spinner" aria-hidden="true" />}
            Email My Practice Code
          </button>
          <div className="form__links form__links--center">
            <AppLink href="/login">Back to Log In</AppLink>
          </div>
        </form>
      )}
    </AuthLayout>
  );
}
