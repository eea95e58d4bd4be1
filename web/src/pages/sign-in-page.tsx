import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { appInteractionOf, appsApi } from '../apps-api.js';
import { AppLink } from '../components/app-link.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { Notice } from '../components/notice.js';
import { PasswordField } from '../components/password-field.js';
import { TextField } from '../components/text-field.js';
import { formatDateTime } from '../lib/format.js';
import { navigate, useLocation } from '../lib/router.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useSession } from '../session.js';

type Field = 'practiceCode' | 'username' | 'password';

/**
 * The app a sign-in was started from (`/login?practice=CODE&returnTo=/oidc/interaction/UID`,
 * http/oidc/interaction.routes.ts): its name for the heading; its practice is fixed, so the
 * practice code is filled in and cannot be changed.
 */
function useAppSignIn(interaction: string | undefined): string | undefined {
  const [appName, setAppName] = useState<string>();
  useEffect(() => {
    if (interaction === undefined) return;
    let active = true;
    appsApi.signInDetails(interaction).then(
      (details) => {
        if (active) setAppName(details.app.name);
      },
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [interaction]);
  return appName;
}

export function SignInPage() {
  const { search } = useLocation();
  const interaction = appInteractionOf(search.get('returnTo'));
  const lockedPractice = interaction === undefined ? null : search.get('practice');
  const appName = useAppSignIn(interaction);
  usePageTitle(appName === undefined ? 'Log In' : `Log In to ${appName}`);
  const { refresh } = useSession();
  const [practiceCode, setPracticeCode] = useState(lockedPractice ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [missing, setMissing] = useState<Field[]>([]);
  const practiceCodeRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const expired = search.get('reason') === 'expired' && error === null;

  function fail(message: string) {
    setError(message);
    setAttempt((n) => n + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const empty: Field[] = [];
    if (practiceCode.trim() === '') empty.push('practiceCode');
    if (username.trim() === '') empty.push('username');
    if (password === '') empty.push('password');
    setMissing(empty);
    if (empty.length > 0) {
      fail('Enter your practice code, user name and password.');
      const refs = { practiceCode: practiceCodeRef, username: usernameRef, password: passwordRef };
      refs[empty[0] ?? 'practiceCode'].current?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await api.login(practiceCode.trim(), username.trim(), password);
      // The session now knows the next step (second factor, new password, or signed in); the app routes on it.
      await refresh();
      // A fresh sign-in an app asked for is done: from here on, back to the app as usual.
      if (search.has('reauthenticate')) {
        const rest = new URLSearchParams(search);
        rest.delete('reauthenticate');
        navigate(`/login?${rest.toString()}`, { replace: true });
      }
    } catch (caught) {
      const apiError =
        caught instanceof ApiError ? caught : new ApiError(0, 'unknown', 'Something went wrong. Try again.');
      // A correct password on a locked account: say plainly until when, and who can help now.
      fail(
        apiError.code === 'account_locked' && apiError.lockedUntil !== undefined
          ? `This account is locked until ${formatDateTime(apiError.lockedUntil)}. Your Practice Administrator can unlock it now.`
          : apiError.message,
      );
      if (apiError.code === 'invalid_credentials') {
        setPassword('');
        passwordRef.current?.focus();
      }
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthLayout
      title={appName === undefined ? 'Gatehouse' : `Log In to ${appName}`}
      showBrand={appName !== undefined}
      subtitle={
        appName === undefined
          ? 'Log in to your practice account'
          : `with your Gatehouse account at ${lockedPractice ?? ''}`
      }
    >
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="Log in">
        {expired && (
          <Notice testId="session-expired">You were logged out after a period of inactivity.</Notice>
        )}
        <FormAlert key={attempt} message={error} />
        <TextField
          id="practiceCode"
          label="Practice Code"
          value={practiceCode}
          onValueChange={setPracticeCode}
          autoComplete="organization"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          invalid={missing.includes('practiceCode')}
          inputRef={practiceCodeRef}
          readOnly={lockedPractice !== null}
          hint={lockedPractice === null ? undefined : 'This app belongs to this practice.'}
          autoFocus={lockedPractice === null}
        />
        <TextField
          id="username"
          label="User Name"
          value={username}
          onValueChange={setUsername}
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          invalid={missing.includes('username')}
          inputRef={usernameRef}
          autoFocus={lockedPractice !== null}
        />
        <PasswordField
          id="password"
          label="Password"
          value={password}
          onValueChange={setPassword}
          autoComplete="current-password"
          invalid={missing.includes('password')}
          inputRef={passwordRef}
        />
        <button
          type="submit"
          className="button button--primary button--block"
          disabled={submitting}
          aria-busy={submitting || undefined}
        >
          {submitting && <span className="spinner" aria-hidden="true" />}
          Log In
        </button>
        <div className="form__links">
          <AppLink href="/forgot-password">Forgot Password?</AppLink>
          <AppLink href="/forgot-practice-code">Forgot Practice Code?</AppLink>
        </div>
      </form>
    </AuthLayout>
  );
}
