import type { StaffUser } from '../types.js';
import { ResetPasswordRow } from './reset-password-row.js';

/**
 * Staff > Name > Security & Activity. Other features add their rows here (last login, activity
 * log, two-factor removal, unlock) beside Reset Password.
 */
export function StaffSecurityActivitySection({ user }: { user: StaffUser }) {
  return (
    <section
      className="card security"
      aria-labelledby="staff-security-heading"
      data-testid="staff-security-activity"
    >
      <header className="card__header">
        <h2 id="staff-security-heading" className="card__title">
          Security &amp; Activity
        </h2>
      </header>
      <div className="security__rows">
        <ResetPasswordRow user={user} />
      </div>
    </section>
  );
}
