import type { PolicyViolation } from '../types.js';

interface FormAlertProps {
  message: string | null;
  violations?: PolicyViolation[];
  id?: string;
}

/**
 * An error announced by screen readers as soon as it appears (role="alert"). Give it a changing `key` per
 * attempt so a repeated identical error is announced again.
 */
export function FormAlert({ message, violations = [], id }: FormAlertProps) {
  if (message === null) return null;
  return (
    <div role="alert" id={id} className="alert alert--error">
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M10 1.7a8.3 8.3 0 1 0 0 16.6 8.3 8.3 0 0 0 0-16.6Zm-.9 4.2h1.8v5.4H9.1V5.9Zm.9 8.6a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z"
        />
      </svg>
      <div className="alert__body">
        <p>{message}</p>
        {violations.length > 0 && (
          <ul className="alert__list">
            {violations.map((violation) => (
              <li key={`${violation.rule}:${violation.message}`}>{violation.message}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
