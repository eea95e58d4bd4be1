import { useState, type FormEvent } from 'react';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { Notice } from '../components/notice.js';
import { TextField } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** Placeholder until POST /api/auth/forgot-practice-code ships: the form is real, sending is not yet. */
export function ForgotPracticeCodePage() {
  usePageTitle('Forgot Practice Code');
  const [email, setEmail] = useState('');
  const [submitted, setSubmitted] = useState(false);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
  }

  return (
    <AuthLayout
      title="Forgot your practice code?"
      subtitle="Enter your email address and we'll email you the practice codes linked to it."
    >
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="Forgot practice code">
        <Notice testId="coming-soon">
          {submitted ? (
            <p>
              <strong>Practice code reminders by email are arriving soon.</strong> Until then, your Practice
              Administrator can tell you your practice code.
            </p>
          ) : (
            <p>
              Practice code reminders by email are arriving soon. Your Practice Administrator can tell you
              yours.
            </p>
          )}
        </Notice>
        <TextField
          id="email"
          label="Email Address"
          type="email"
          value={email}
          onValueChange={setEmail}
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
        />
        <button type="submit" className="button button--primary button--block">
          Send Practice Code
        </button>
        <div className="form__links form__links--center">
          <AppLink href="/login">Back to Log In</AppLink>
        </div>
      </form>
    </AuthLayout>
  );
}
