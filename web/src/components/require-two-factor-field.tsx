/**
 * Settings > Security: "Require two-factor authentication for all practice users", as a
 * controlled checkbox for the settings form. The server refuses to turn it on unless the
 * administrator has two-factor authentication; the form shows that message as its error.
 */
export function RequireTwoFactorField({
  checked,
  onChange,
  adminHasTwoFactor,
  disabled = false,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** When false (and the box is off), a hint says why turning it on will be refused. */
  adminHasTwoFactor: boolean;
  disabled?: boolean;
}) {
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          disabled={disabled}
          aria-describedby="require-two-factor-hint"
        />
        Require two-factor authentication for all practice users
      </label>
      <p className="field__hint" id="require-two-factor-hint">
        {!checked && !adminHasTwoFactor
          ? 'Set up two-factor authentication for your own account first (Profile > Security & Activity).'
          : 'Users without it set it up at their next login and can reach nothing else until they do.'}
      </p>
    </div>
  );
}
