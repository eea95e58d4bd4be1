import { api } from '../api.js';
import { ActivityLogView, type ActivitySource } from '../components/activity-log-view.js';
import { AppLink } from '../components/app-link.js';
import { useLoader } from '../lib/use-loader.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { StaffSecuritySummary } from '../types.js';

/**
 * An activity log page: your own (Profile), one staff member's (Staff > Name > View Activity
 * Log) or the practice's (Settings > Activity Log). Times are shown in the practice's time zone.
 */
export function ActivityLogPage({ source }: { source: ActivitySource }) {
  const userId = source.kind === 'staff' ? source.userId : '';
  const [context] = useLoader<{ timeZone: string; user: StaffSecuritySummary['user'] | null }>(
    () =>
      source.kind === 'staff'
        ? api.staffSecurity(userId).then((summary) => ({ timeZone: summary.timeZone, user: summary.user }))
        : api.mySecurity().then((summary) => ({ timeZone: summary.timeZone, user: null })),
    `${source.kind}:${userId}`,
  );
  const user = context.status === 'ready' ? context.value.user : null;
  const title =
    source.kind === 'me'
      ? 'Your Activity Log'
      : source.kind === 'practice'
        ? 'Activity Log'
        : `Activity Log${user ? `: ${`${user.firstName} ${user.lastName}`.trim() || user.username}` : ''}`;
  usePageTitle(title);
  const back =
    source.kind === 'me'
      ? { href: '/profile', label: 'Back to Profile' }
      : source.kind === 'staff'
        ? { href: `/staff/${encodeURIComponent(userId)}`, label: 'Back to Security & Activity' }
        : null;

  return (
    <div className="page page--wide">
      <header className="page__header">
        {back && (
          <AppLink className="page__back" href={back.href}>
            {back.label}
          </AppLink>
        )}
        <h1 className="page__title" tabIndex={-1}>
          {title}
        </h1>
        <p className="muted">
          {source.kind === 'practice'
            ? 'Every security event in your practice, newest first. Select a user name to see only their events.'
            : 'Security events of this account, newest first.'}
          {context.status === 'ready' &&
            ` Times are in the practice’s time zone, ${context.value.timeZone.replace(/_/g, ' ')}.`}
        </p>
      </header>
      {context.status !== 'loading' && <ActivityLogView source={source} />}
    </div>
  );
}
