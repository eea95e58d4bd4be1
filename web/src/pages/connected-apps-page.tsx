import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { appsApi } from '../apps-api.js';
import { ClientSecretDialog } from '../components/client-secret-dialog.js';
import { FormAlert } from '../components/form-alert.js';
import { ModalDialog } from '../components/modal-dialog.js';
import { TextField } from '../components/text-field.js';
import { formatDateTime } from '../lib/format.js';
import { useLoader } from '../lib/use-loader.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { ConnectedApp } from '../types.js';

/**
 * Settings > Connected Apps: the practice's apps that sign in through Gatehouse (OpenID
 * Connect; /api/practice/apps). Add (the client secret shown once), edit the redirect URIs,
 * replace the secret (shown once), remove with a confirmation. The server checks every
 * address (exact https URLs; http only on this computer).
 */
type Dialog =
  | { kind: 'add' }
  | { kind: 'edit'; app: ConnectedApp }
  | { kind: 'remove'; app: ConnectedApp }
  | { kind: 'secret'; title: string; clientId: string; clientSecret: string };

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

function message(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.message : fallback;
}

export function ConnectedAppsPage() {
  usePageTitle('Connected Apps');
  const [apps, reload] = useLoader(() => appsApi.list(), 'connected-apps');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function rotate(app: ConnectedApp) {
    setError(null);
    try {
      const { clientSecret } = await appsApi.rotateSecret(app.id);
      setDialog({
        kind: 'secret',
        title: `New Secret for ${app.name}`,
        clientId: app.clientId,
        clientSecret,
      });
    } catch (caught) {
      setError(message(caught, 'The secret could not be replaced. Try again.'));
    }
  }

  const close = () => setDialog(null);
  const changed = () => {
    setDialog(null);
    reload();
  };

  return (
    <div className="page">
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          Connected Apps
        </h1>
        <button type="button" className="button button--primary" onClick={() => setDialog({ kind: 'add' })}>
          Add App
        </button>
      </header>
      <section className="card" aria-label="Connected Apps">
        <p className="muted">
          Your practice’s other apps (health records, billing, scheduling) can let staff log in with their
          Gatehouse account, with your practice’s rules for passwords and two-factor authentication.
        </p>
        <FormAlert message={error} />
        {apps.status === 'loading' && <p className="muted">Loading…</p>}
        {apps.status === 'error' && <FormAlert message={apps.message} />}
        {apps.status === 'ready' && apps.value.items.length === 0 && (
          <p data-testid="no-apps">No apps are connected yet.</p>
        )}
        {apps.status === 'ready' && apps.value.items.length > 0 && (
          <table className="table" data-testid="apps-table">
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Client ID</th>
                <th scope="col">Redirect URIs</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apps.value.items.map((app) => (
                <tr key={app.id} data-testid="app-row">
                  <th scope="row">
                    {app.name}
                    <div className="muted">
                      {app.confidential ? 'Server app' : 'Browser or mobile app'}
                      {app.firstParty ? ', trusted (no consent screen)' : ''}
                    </div>
                  </th>
                  <td>
                    <code>{app.clientId}</code>
                  </td>
                  <td>
                    {app.redirectUris.map((uri) => (
                      <div key={uri}>
                        <code>{uri}</code>
                      </div>
                    ))}
                  </td>
                  <td>{formatDateTime(app.createdAt)}</td>
                  <td className="security__actions">
                    <button
                      type="button"
                      className="button button--secondary"
                      aria-label={`Edit ${app.name}`}
                      onClick={() => setDialog({ kind: 'edit', app })}
                    >
                      Edit
                    </button>
                    {app.confidential && (
                      <button
                        type="button"
                        className="button button--secondary"
                        aria-label={`Replace Secret for ${app.name}`}
                        onClick={() => void rotate(app)}
                      >
                        Replace Secret
                      </button>
                    )}
                    <button
                      type="button"
                      className="button button--danger"
                      aria-label={`Remove ${app.name}`}
                      onClick={() => setDialog({ kind: 'remove', app })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {dialog?.kind === 'add' && (
        <AppDialog
          onClose={close}
          onSaved={(app, clientSecret) => {
            reload();
            setDialog(
              clientSecret === undefined
                ? null
                : { kind: 'secret', title: `${app.name} Added`, clientId: app.clientId, clientSecret },
            );
          }}
        />
      )}
      {dialog?.kind === 'edit' && <AppDialog app={dialog.app} onClose={close} onSaved={changed} />}
      {dialog?.kind === 'remove' && <RemoveAppDialog app={dialog.app} onClose={close} onRemoved={changed} />}
      {dialog?.kind === 'secret' && (
        <ClientSecretDialog
          title={dialog.title}
          clientId={dialog.clientId}
          clientSecret={dialog.clientSecret}
          onClose={close}
        />
      )}
    </div>
  );
}

/** Add an app, or edit an app's redirect URIs. */
function AppDialog({
  app,
  onClose,
  onSaved,
}: {
  app?: ConnectedApp;
  onClose: () => void;
  onSaved: (app: ConnectedApp, clientSecret?: string) => void;
}) {
  const [name, setName] = useState(app?.name ?? '');
  const [redirectUris, setRedirectUris] = useState(app?.redirectUris.join('\n') ?? '');
  const [confidential, setConfidential] = useState(true);
  const [firstParty, setFirstParty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const uris = linesOf(redirectUris);
    if ((app === undefined && name.trim() === '') || uris.length === 0) {
      setError('Enter the app’s name and at least one redirect URI.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      if (app === undefined) {
        const created = await appsApi.create({
          name: name.trim(),
          redirectUris: uris,
          confidential,
          firstParty,
        });
        onSaved(created.app, created.clientSecret);
      } else onSaved(await appsApi.update(app.id, { redirectUris: uris }));
    } catch (caught) {
      setError(message(caught, 'The app could not be saved. Try again.'));
      setSaving(false);
    }
  }

  const title = app === undefined ? 'Add App' : `Edit ${app.name}`;
  return (
    <ModalDialog title={title} onClose={onClose} testId="app-dialog">
      <form className="form" onSubmit={(event) => void handleSubmit(event)} noValidate aria-label={title}>
        <FormAlert message={error} />
        {app === undefined && <TextField id="appName" label="Name" value={name} onValueChange={setName} />}
        <div className="field">
          <label className="field__label" htmlFor="redirectUris">
            Redirect URIs
          </label>
          <p className="field__hint" id="redirectUris-hint">
            One per line, exactly as the app’s documentation gives them (https://…).
          </p>
          <textarea
            id="redirectUris"
            className="input"
            rows={3}
            value={redirectUris}
            onChange={(event) => setRedirectUris(event.target.value)}
            aria-describedby="redirectUris-hint"
            spellCheck={false}
          />
        </div>
        {app === undefined && (
          <>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={confidential}
                onChange={(event) => setConfidential(event.target.checked)}
              />
              The app runs on a server and can keep a secret
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={firstParty}
                onChange={(event) => setFirstParty(event.target.checked)}
              />
              Trusted by the practice: do not ask users to allow it
            </label>
          </>
        )}
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={saving}>
            {app === undefined ? 'Add App' : 'Save'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function RemoveAppDialog({
  app,
  onClose,
  onRemoved,
}: {
  app: ConnectedApp;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);

  async function remove() {
    setRemoving(true);
    try {
      await appsApi.remove(app.id);
      onRemoved();
    } catch (caught) {
      setError(message(caught, 'The app could not be removed. Try again.'));
      setRemoving(false);
    }
  }

  return (
    <ModalDialog title={`Remove ${app.name}?`} onClose={onClose} testId="remove-app-dialog">
      <FormAlert message={error} />
      <p>Staff will no longer be able to log in to {app.name} with Gatehouse. This cannot be undone.</p>
      <div className="modal__actions">
        <button type="button" className="button button--secondary" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={removing}
          onClick={() => void remove()}
        >
          Remove App
        </button>
      </div>
    </ModalDialog>
  );
}
