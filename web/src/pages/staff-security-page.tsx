import { AppLink } from '../components/app-link.js';
import { StaffSecurityActivity } from '../components/staff-security-activity.js';
import { usePageTitle } from '../lib/use-page-title.js';

/** A staff member's Security & Activity on its own page (the Staff > Name page embeds the same section). */
export function StaffSecurityPage({ userId }: { userId: string }) {
  usePageTitle('Security & Activity');
  return (
    <div className="page">
      <header className="page__header">
        <AppLink className="page__back" href="/staff">
          Back to Staff
        </AppLink>
        <h1 className="page__title" tabIndex={-1}>
          Staff Security &amp; Activity
        </h1>
      </header>
      <StaffSecurityActivity userId={userId} />
    </div>
  );
}
