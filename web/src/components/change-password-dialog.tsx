import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { usePasswordPolicy } from '../lib/use-password-policy.js';
import { useSession } from '../session.js';
import type { PolicyViolation } from '../types.js';
import { FormAlert } from './form-alert.js';
import { ModalDialog } from './modal-dialog.js';
import { NewPasswordFields } from './new-password-fields.js';
import { PasswordField } from './password-field.js';

interface Problem {
  message: string;
  violations: PolicyViolation[];
  field: 'current' | 'new' | 'confirm' | null;
}

/** Security & Activity > Change Your Password. */
export function ChangePasswordDialog({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const { expire } = useSession();
  const policy = usePasswordPolicy();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [signOutOtherSessions, setSignOutOtherSessions] = useState(true);
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const currentRef = useRef<HTMLInputElement>(null);
  const newRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  function fail(next: Problem) {
    setProblem(next);
    setAttempt((n) => n + 1);
    if (next.field === 'current') currentRef.current?.focus();
    if (next.field === 'new') newRef.current?.focus();
    if (next.field === 'confirm') confirmRef.current?.focus();
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (currentPassword === '')
      return fail({ message: 'Enter your current password.', violations: [], field: 'current' });
    if (newPassword === '') return fail({ message: 'Enter a new password.', violations: [], field: 'new' });
    if (newPassword !== confirmPassword)
      return fail({
        message: 'The passwords do not match. Enter the same new password in both fields.',
        violations: [],
        field: 'confirm',
      });
    setSubmitting(true);
    setProblem(null);
    try {
      await api.changePassword({ currentPassword, newPassword, confirmPassword, signOutOtherSessions });
      onChanged();
    } catch (caught) {
      if (caught instanceof ApiError && caught.isUnauthenticated) return expire();
      if (caught instanceof ApiError) {
        const field =
          caught.code === 'invalid_current_password'
            ? 'current'
            : caught.code === 'password_mismatch'
              ? 'confirm'
              : 'new';
        fail({ message: caught.message, violations: caught.violations, field });
      } else fail({ message: 'Something went wrong. Try again.', violations: [], field: null });
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <ModalDialog title="Change Your Password" onClose={onClose} testId="change-password-dialog">
      <form className="form" onSubmit={handleSubmit} noValidate aria-label="Change Your Password">
        <FormAlert key={attempt} message={problem?.message ?? null} violations={problem?.violations ?? []} />
        <PasswordField
          id="currentPassword"
          label="Current Password"
          value={currentPassword}
          onValueChange={setCurrentPassword}
          autoComplete="current-password"
          invalid={problem?.field === 'current'}
          inputRef={currentRef}
        />
        <NewPasswordFields
          newPassword={newPassword}
          confirmPassword={confirmPassword}
          onNewPassword={setNewPassword}
          onConfirmPassword={setConfirmPassword}
          invalid={problem?.field === 'new' || problem?.field === 'confirm' ? problem.field : null}
          newRef={newRef}
          confirmRef={confirmRef}
          policy={policy}
          showChecklist={policy !== null}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={signOutOtherSessions}
            onChange={(event) => setSignOutOtherSessions(event.target.checked)}
          />
          Log me out on all other computers and browsers
        </label>
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
            {submitting && <span className="spinner" aria-hidden="true" />}
            Change Password
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
