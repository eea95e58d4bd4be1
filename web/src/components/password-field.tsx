import { useState, type Ref } from 'react';

interface PasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  hint?: string;
  invalid?: boolean;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

/** A password input with a Show/Hide button. Pasting is always allowed (password managers depend on it). */
export function PasswordField({
  id,
  label,
  value,
  onValueChange,
  autoComplete,
  hint,
  invalid = false,
  disabled = false,
  inputRef,
}: PasswordFieldProps) {
  const [visible, setVisible] = useState(false);
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const what = label.toLowerCase();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint !== undefined && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      <div className="password-input">
        <input
          ref={inputRef}
          id={id}
          name={id}
          className="input password-input__control"
          type={visible ? 'text' : 'password'}
          value={value}
          onChange={(event) => onValueChange(event.target.value)}
          autoComplete={autoComplete}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={hintId}
        />
        <button
          type="button"
          className="password-input__toggle"
          aria-controls={id}
          aria-label={`${visible ? 'Hide' : 'Show'} ${what}`}
          onClick={() => setVisible((shown) => !shown)}
          disabled={disabled}
        >
          {visible ? 'Hide' : 'Show'}
        </button>
      </div>
    </div>
  );
}
