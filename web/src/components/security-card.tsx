import type { ReactNode } from 'react';
import { AppLink } from './app-link.js';
import { FormAlert } from './form-alert.js';

/**
 * The Security & Activity card, shared by Profile > Information (oneself) and Staff > Name
 * (a Practice Administrator's view of a user): heading, intro, a load error with Try Again,
 * then labelled rows.
 */
export function SecurityCard({
  headingId,
  testId,
  intro,
  busy,
  error,
  onRetry,
  children,
}: {
  headingId: string;
  testId: string;
  intro: string;
  busy: boolean;
  error: string | null;
  onRetry: () => void;
  children: ReactNode;
}) {
  return (
    <section className="card security" aria-labelledby={headingId} aria-busy={busy} data-testid={testId}>
      <header className="card__header">
        <h2 id={headingId} className="card__title">
          Security &amp; Activity
        </h2>
        <p className="card__intro">{intro}</p>
      </header>
      {error !== null && (
        <div className="security__error">
          <FormAlert message={error} />
          <button type="button" className="button button--secondary" onClick={onRetry}>
            Try Again
          </button>
        </div>
      )}
      <div className="security__rows">{children}</div>
    </section>
  );
}

/** One labelled row of the Security & Activity card. */
export function SecurityRow({
  label,
  testId,
  children,
}: {
  label: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="security__row" data-testid={testId}>
      <h3 className="security__label">{label}</h3>
      <div className="security__value">{children}</div>
    </div>
  );
}

/** The row that leads to a user's activity log. */
export function ActivityLogRow({ href }: { href: string }) {
  return (
    <SecurityRow label="Activity Log">
      <div className="security__actions">
        <AppLink className="button button--secondary" href={href}>
          View Activity Log
        </AppLink>
      </div>
    </SecurityRow>
  );
}
