import type { ReactNode } from 'react';

/**
 * One labelled setting with its hint and, when the value is not acceptable, its error right
 * below it (aria-invalid, and read with the field through aria-describedby).
 */
export function SettingField({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | null;
  /** The control; it takes `id`, and `settingFieldAria(id, hint, error)`. */
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint !== undefined && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      <FieldError id={id} message={error} />
    </div>
  );
}

/** A field's error, right below it; `settingFieldAria` points the control at it. */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (message === null) return null;
  return (
    <p className="field__error" id={`${id}-error`} data-testid={`${id}-error`}>
      {message}
    </p>
  );
}

/** The ARIA attributes that tie a control to its SettingField hint and error. */
export function settingFieldAria(id: string, hint: string | undefined, error: string | null) {
  const describedBy = [hint === undefined ? null : `${id}-hint`, error === null ? null : `${id}-error`]
    .filter((part) => part !== null)
    .join(' ');
  return {
    'aria-invalid': error !== null || undefined,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
  };
}

/** Why `text` is not a whole number within [low, high], or null when it is. */
export function wholeNumberProblem(text: string, [low, high]: readonly [number, number]): string | null {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < low || value > high)
    return `Enter a whole number from ${low} to ${high}.`;
  return null;
}

/** A number setting: a short numeric input inside a SettingField. */
export function NumberSettingField({
  id,
  label,
  hint,
  error,
  value,
  bounds,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  error: string | null;
  value: string;
  bounds: readonly [number, number];
  onChange: (value: string) => void;
}) {
  return (
    <SettingField id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={id}
        className="input input--short"
        type="number"
        inputMode="numeric"
        min={bounds[0]}
        max={bounds[1]}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...settingFieldAria(id, hint, error)}
      />
    </SettingField>
  );
}
