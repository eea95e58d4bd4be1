import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { appsApi } from '../apps-api.js';
import { AuthLayout } from '../components/auth-layout.js';
import { FormAlert } from '../components/form-alert.js';
import { scopeWords } from '../lib/app-scopes.js';
import { useLocation } from '../lib/router.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { AppSignInDetails } from '../types.js';

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; details: AppSignInDetails };

/**
 * `/authorize?interaction=UID`: an app that is not first-party asks to sign the user in
 * (http/oidc/interaction.routes.ts). The page names the app and what it will receive; Allow
 * or Deny goes back to the app. A session of another practice can never sign in to the app:
 * the page says so and offers to log out and log in again at the app's practice.
 */
export function AuthorizePage() {
  const interaction = useLocation().search.get('interaction') ?? '';
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const appName = load.status === 'ready' ? load.details.app.name : undefined;
  usePageTitle(appName === undefined ? 'Connect an App' : `Log In to ${appName}`);

  useEffect(() => {
    let active = true;
    appsApi.signInDetails(interaction).then(
      (details) => {
        if (active) setLoad({ status: 'ready', details });
      },
      (caught: unknown) => {
        if (active)
          setLoad({
            status: 'error',
            message: caught instanceof ApiError ? caught.message : 'This login could not be loaded.',
          });
      },
    );
    return () => {
      active = false;
    };
  }, [interaction]);

  async function answer(allow: boolean) {
    setBusy(true);
    setError(null);
    try {
      const { redirectTo } = await appsApi.consent(interaction, allow);
      window.location.replace(redirectTo);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
      setBusy(false);
    }
  }

  async function switchPractice(details: AppSignInDetails) {
    setBusy(true);
    try {
      await api.logout();
    } finally {
      const query = new URLSearchParams({
        practice: details.practice.code,
        returnTo: `/oidc/interaction/${interaction}`,
      });
      window.location.replace(`/login?${query.toString()}`);
    }
  }

  if (load.status !== 'ready')
    return (
      <AuthLayout title="Log In to an App">
        {load.status === 'loading' ? <p className="muted">Loading…</p> : <FormAlert message={load.message} />}
      </AuthLayout>
    );

  const { details } = load;
  if (details.session === 'other_practice')
    return (
      <AuthLayout title={`Log In to ${details.app.name}`}>
        <FormAlert
          message={`${details.app.name} belongs to practice ${details.practice.code}, and you are logged in to another practice. Log out, then log in with your ${details.practice.code} account.`}
        />
        <button
          type="button"
          className="button button--primary button--block"
          disabled={busy}
          onClick={() => void switchPractice(details)}
        >
          Log Out and Continue
        </button>
      </AuthLayout>
    );

  return (
    <AuthLayout title={`Allow ${details.app.name}?`} subtitle={`${details.app.name} wants to log you in.`}>
      <FormAlert message={error} />
      <p>If you allow it, {details.app.name} will receive:</p>
      <ul className="consent__list" data-testid="consent-scopes">
        {scopeWords(details.scopes).map((words) => (
          <li key={words}>{words}</li>
        ))}
      </ul>
      <p className="field__hint">It will not receive your password. You are asked once for this app.</p>
      <div className="modal__actions">
        <button
          type="button"
          className="button button--secondary"
          disabled={busy}
          onClick={() => void answer(false)}
        >
          Deny
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => void answer(true)}
        >
          Allow
        </button>
      </div>
    </AuthLayout>
  );
}
