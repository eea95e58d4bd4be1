import { usePasswordEngine } from '../lib/password-engine.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../../src/domain/security-settings.js';
import type { PasswordPolicy, PasswordRequirement } from '../types.js';

const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

interface PasswordChecklistProps {
  password: string;
  confirmPassword: string;
  /** The caller's requirements; null before sign-in (reset link): the default rules, checked again on save. */
  policy: PasswordPolicy | null;
}

type Status = 'met' | 'unmet' | 'later';

/** The practice's requirements, ticked off live while typing, with a strength meter. */
export function PasswordChecklist({ password, confirmPassword, policy }: PasswordChecklistProps) {
  const engine = usePasswordEngine();
  const settings = policy?.policy ?? DEFAULT_SECURITY_SETTINGS.passwordPolicy;
  const requirements: PasswordRequirement[] =
    policy?.requirements ??
    engine?.passwordRequirements(settings).filter((requirement) => requirement.rule !== 'history') ??
    [];
  const evaluation =
    engine === null || password === ''
      ? null
      : engine.evaluatePassword(password, { policy: settings, contextWords: policy?.contextWords ?? [] });
  const broken = new Set<string>(evaluation?.violations.map((violation) => violation.rule) ?? []);

  function status(rule: string): Status {
    if (rule === 'history') return 'later';
    if (evaluation === null) return 'unmet';
    return broken.has(rule) ? 'unmet' : 'met';
  }

  const matches = password !== '' && password === confirmPassword;
  const score = evaluation?.score ?? 0;
  return (
    // Once something is typed, what it still lacks shows in red (passwords.css).
    <div
      className={password === '' ? 'checklist' : 'checklist checklist--entered'}
      data-testid="password-checklist"
    >
      <p className="checklist__title" id="password-requirements-title">
        Your new password must meet these requirements:
      </p>
      <ul className="checklist__list" aria-labelledby="password-requirements-title">
        {requirements.map((requirement) => {
          const state = status(requirement.rule);
          return (
            <li
              key={requirement.rule}
              className={`checklist__item checklist__item--${state}`}
              data-rule={requirement.rule}
              data-state={state}
            >
              <span className="checklist__mark" aria-hidden="true">
                {state === 'met' ? '✓' : state === 'later' ? '•' : '✗'}
              </span>
              {requirement.text}
              <span className="visually-hidden">
                {state === 'met'
                  ? ' (met)'
                  : state === 'later'
                    ? ' (checked when you save)'
                    : ' (not met yet)'}
              </span>
            </li>
          );
        })}
        <li
          className={`checklist__item checklist__item--${matches ? 'met' : 'unmet'}`}
          data-rule="match"
          data-state={matches ? 'met' : 'unmet'}
        >
          <span className="checklist__mark" aria-hidden="true">
            {matches ? '✓' : '✗'}
          </span>
          Both passwords match
        </li>
      </ul>
      {policy === null && (
        <p className="field__hint">
          Your practice may have further requirements; they are checked when you save.
        </p>
      )}
      <div className="strength">
        <label className="strength__label" htmlFor="password-strength">
          Strength:{' '}
          <strong data-testid="password-strength-label">
            {password === '' ? '—' : STRENGTH_LABELS[score]}
          </strong>
        </label>
        <meter
          id="password-strength"
          className="strength__meter"
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={password === '' ? 0 : score}
        />
      </div>
    </div>
  );
}
