import type { Ref } from 'react';
import type { PasswordPolicy } from '../types.js';
import { PasswordChecklist } from './password-checklist.js';
import { PasswordField } from './password-field.js';

/**
 * New Password and Confirm Password with the live requirement checklist: the part that
 * Change Your Password, the forced change after sign-in and the reset page share.
 */
export function NewPasswordFields({
  newPassword,
  confirmPassword,
  onNewPassword,
  onConfirmPassword,
  invalid = null,
  newRef,
  confirmRef,
  hint,
  policy,
  showChecklist,
}: {
  newPassword: string;
  confirmPassword: string;
  onNewPassword: (value: string) => void;
  onConfirmPassword: (value: string) => void;
  /** The field the last refusal was about. */
  invalid?: 'new' | 'confirm' | null;
  newRef?: Ref<HTMLInputElement>;
  confirmRef?: Ref<HTMLInputElement>;
  hint?: string;
  /** The requirements to tick off; null: the default rules (before sign-in). */
  policy: PasswordPolicy | null;
  showChecklist: boolean;
}) {
  return (
    <>
      <PasswordField
        id="newPassword"
        label="New Password"
        value={newPassword}
        onValueChange={onNewPassword}
        autoComplete="new-password"
        hint={hint}
        invalid={invalid === 'new'}
        inputRef={newRef}
      />
      <PasswordField
        id="confirmPassword"
        label="Confirm Password"
        value={confirmPassword}
        onValueChange={onConfirmPassword}
        autoComplete="new-password"
        invalid={invalid === 'confirm'}
        inputRef={confirmRef}
      />
      {showChecklist && (
        <PasswordChecklist password={newPassword} confirmPassword={confirmPassword} policy={policy} />
      )}
    </>
  );
}
