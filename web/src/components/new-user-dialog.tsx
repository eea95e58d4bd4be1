import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import type { Role, StaffUser, TemporaryPassword } from '../types.js';
import { FormAlert } from './form-alert.js';
import { ModalDialog } from './modal-dialog.js';
import { RoleCheckboxes } from './role-checkboxes.js';
import { TextField } from './text-field.js';

/** Staff > + New User: the new user gets a temporary password, shown next. */
export function NewUserDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (user: StaffUser, issued: TemporaryPassword) => void;
}) {
  const [username, setUsername] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>(['clinician']);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (!username.trim() || !firstName.trim() || !lastName.trim() || !email.trim()) {
      setError('Fill in the user name, first name, last name and email address.');
      return;
    }
    if (roles.length === 0) {
      setError('Choose at least one role.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const { user, temporaryPassword, expiresAt } = await api.createStaff({
        username: username.trim(),
        firstName: firstName.trim(),
        lastName: lastName.trim(),
        email: email.trim(),
        roles,
      });
      onCreated(user, { temporaryPassword, expiresAt });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <ModalDialog title="New User" onClose={onClose} testId="new-user-dialog">
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="New User">
        <FormAlert message={error} />
        <TextField
          id="new-username"
          label="User Name"
          value={username}
          onValueChange={setUsername}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id="new-first-name"
          label="First Name"
          value={firstName}
          onValueChange={setFirstName}
          autoComplete="off"
        />
        <TextField
          id="new-last-name"
          label="Last Name"
          value={lastName}
          onValueChange={setLastName}
          autoComplete="off"
        />
        <TextField
          id="new-email"
          label="Email"
          type="email"
          value={email}
          onValueChange={setEmail}
          autoComplete="off"
          spellCheck={false}
        />
        <RoleCheckboxes value={roles} onChange={setRoles} />
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button--primary"
            disabled={submitting}
            aria-busy={submitting || undefined}
          >
            Create User
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
