import { startRegistration } from '@simplewebauthn/browser';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { formatDate } from '../lib/format.js';
import { twoFactorApi, type Passkey } from '../two-factor-api.js';
import { CurrentPasswordForm } from './current-password-form.js';
import { FormAlert } from './form-alert.js';
import { TextField } from './text-field.js';

/** Passkeys and Security Keys: list, add (name + current password + the browser's prompt), rename, remove. */
export function PasskeysList({ onChange }: { onChange: () => void }) {
  const [items, setItems] = useState<Passkey[]>([]);
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setItems((await twoFactorApi.passkeys()).items);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
  }, [reload]);

  async function add(currentPassword: string) {
    const { options } = await twoFactorApi.passkeyRegistrationOptions(currentPassword);
    let response;
    try {
      response = await startRegistration({ optionsJSON: options });
    } catch {
      throw new ApiError(
        0,
        'passkey_cancelled',
        'The passkey was not created. Try again when you are ready.',
      );
    }
    await twoFactorApi.addPasskey(name.trim() || 'Passkey', response);
    setAdding(false);
    setName('');
    await reload();
    onChange();
  }

  async function act(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      await reload();
      onChange();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  }

  return (
    <div className="two-factor__list" data-testid="passkeys">
      <h4 className="two-factor__list-title">Passkeys and Security Keys</h4>
      <FormAlert message={error} />
      {items.length === 0 ? (
        <p className="muted">Log in with a fingerprint, face or security key instead of typing a code.</p>
      ) : (
        <ul aria-label="Passkeys">
          {items.map((item) => (
            <PasskeyItem
              key={item.id}
              passkey={item}
              onRename={(newName) => void act(() => twoFactorApi.renamePasskey(item.id, newName))}
              onRemove={() => void act(() => twoFactorApi.removePasskey(item.id))}
            />
          ))}
        </ul>
      )}
      {adding ? (
        <>
          <TextField
            id="passkeyName"
            label="Passkey Name"
            value={name}
            onValueChange={setName}
            maxLength={64}
          />
          <CurrentPasswordForm
            id="passkeyPassword"
            intro="Confirm it is you, then follow your browser's prompt."
            submitLabel="Add Passkey"
            onSubmit={add}
            onCancel={() => setAdding(false)}
          />
        </>
      ) : (
        <div className="security__actions">
          <button type="button" className="button button--secondary" onClick={() => setAdding(true)}>
            Add a Passkey
          </button>
        </div>
      )}
    </div>
  );
}

function PasskeyItem({
  passkey,
  onRename,
  onRemove,
}: {
  passkey: Passkey;
  onRename: (name: string) => void;
  onRemove: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(passkey.name);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim() === '') return;
    setEditing(false);
    onRename(name.trim());
  }

  if (editing) {
    return (
      <li>
        <form className="two-factor__buttons" onSubmit={submit} aria-label={`Rename ${passkey.name}`}>
          <TextField
            id={`rename-${passkey.id}`}
            label="New Name"
            value={name}
            onValueChange={setName}
            maxLength={64}
          />
          <button type="submit" className="button button--secondary">
            Save
          </button>
        </form>
      </li>
    );
  }
  return (
    <li>
      <span>
        {passkey.name} · added {formatDate(passkey.createdAt)}
        {passkey.lastUsedAt !== null && ` · last used ${formatDate(passkey.lastUsedAt)}`}
      </span>
      <span>
        <button type="button" className="button button--link" onClick={() => setEditing(true)}>
          Rename
        </button>
        <button type="button" className="button button--link" onClick={onRemove}>
          Remove
        </button>
      </span>
    </li>
  );
}
