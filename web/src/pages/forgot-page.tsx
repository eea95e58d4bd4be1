import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { Notice } from '../components/notice.js';
import { TextField, type TextFieldProps } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';

type FieldId = 'practiceCode' | 'username' | 'email';
type Values = Readonly<Partial<Record<FieldId, string>>>;

/** One "forgot" request: what it asks for and what it says. Each answers the same whatever exists. */
interface ForgotFlow {
  readonly pageTitle: string;
  readonly title: string;
  readonly subtitle: string;
  readonly formLabel: string;
  readonly fields: readonly (Omit<TextFieldProps, 'value' | 'onValueChange'> & { readonly id: FieldId })[];
  /** What to ask for when the form is not filled in enough to send. */
  readonly incomplete: (values: Values) => string | null;
  readonly send: (values: Values) => Promise<unknown>;
  readonly submitLabel: string;
  readonly sentTestId: string;
  readonly sent: ReactNode;
  readonly otherLink?: { readonly href: string; readonly text: string };
}

const text = (values: Values, id: FieldId) => (values[id] ?? '').trim();

const FLOWS = {
  /** Forgot password: emails a reset link. */
  password: {
    pageTitle: 'Forgot Password',
    title: 'Forgot Your Password?',
    subtitle: "Enter your practice code and user name and we'll email you a link to choose a new password.",
    formLabel: 'Forgot password',
    fields: [
      {
        id: 'practiceCode',
        label: 'Practice Code',
        autoComplete: 'organization',
        autoCapitalize: 'none',
        spellCheck: false,
      },
      {
        id: 'username',
        label: 'User Name',
        autoComplete: 'username',
        autoCapitalize: 'none',
        spellCheck: false,
      },
    ],
    incomplete: (values) =>
      text(values, 'practiceCode') === '' || text(values, 'username') === ''
        ? 'Enter your practice code and your user name.'
        : null,
    send: (values) => api.forgotPassword(text(values, 'practiceCode'), text(values, 'username')),
    submitLabel: 'Send Reset Link',
    sentTestId: 'reset-link-sent',
    sent: (
      <>
        <strong>Check your email.</strong> If the practice code and user name match an account, we sent a link
        to its email address. The link works once, for 60 minutes.
      </>
    ),
    otherLink: { href: '/forgot-practice-code', text: 'Forgot Your Practice Code?' },
  },
  /** Forgot practice code: emails the codes linked to the address. */
  practiceCode: {
    pageTitle: 'Forgot Practice Code',
    title: 'Forgot Your Practice Code?',
    subtitle: "Enter your email address and we'll email you the practice codes linked to it.",
    formLabel: 'Forgot practice code',
    fields: [
      { id: 'email', label: 'Email Address', type: 'email', autoComplete: 'email', spellCheck: false },
    ],
    incomplete: (values) =>
      (values.email ?? '').includes('@')
        ? null
        : 'Enter the email address of your account, such as name@example.com.',
    send: (values) => api.forgotPracticeCode(text(values, 'email')),
    submitLabel: 'Email My Practice Code',
    sentTestId: 'practice-code-sent',
    sent: (
      <>
        <strong>Check your email.</strong> If an account uses this address, we sent it the practice code.
      </>
    ),
  },
} as const satisfies Record<string, ForgotFlow>;

type ForgotKind = keyof typeof FLOWS;

/** Forgot password and forgot practice code: one form, the same answer whether or not the account exists. */
export function ForgotPage({ flow }: { flow: ForgotKind }) {
  // Keyed by the flow, so following the link from one to the other starts a fresh form.
  return <ForgotForm key={flow} flow={FLOWS[flow]} />;
}

function ForgotForm({ flow }: { flow: ForgotFlow }) {
  usePageTitle(flow.pageTitle);
  const [values, setValues] = useState<Values>({});
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const incomplete = flow.incomplete(values);
    if (incomplete !== null) {
      setError(incomplete);
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await flow.send(values);
      setSent(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthLayout title={flow.title} subtitle={flow.subtitle}>
      {sent ? (
        <div className="form">
          <Notice testId={flow.sentTestId}>
            <p>{flow.sent}</p>
          </Notice>
          <div className="form__links form__links--center">
            <AppLink href="/login">Back to Log In</AppLink>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={handleSubmit} noValidate aria-label={flow.formLabel}>
          <FormAlert message={error} />
          {flow.fields.map((field) => (
            <TextField
              key={field.id}
              {...field}
              value={values[field.id] ?? ''}
              onValueChange={(value) => setValues((current) => ({ ...current, [field.id]: value }))}
            />
          ))}
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={submitting}
            aria-busy={submitting || undefined}
          >
            {submitting && <span className="spinner" aria-hidden="true" />}
            {flow.submitLabel}
          </button>
          <div className="form__links form__links--center">
            {flow.otherLink && <AppLink href={flow.otherLink.href}>{flow.otherLink.text}</AppLink>}
            <AppLink href="/login">Back to Log In</AppLink>
          </div>
        </form>
      )}
    </AuthLayout>
  );
}
