import { api } from '../api.js';
import { staffFilterHref } from '../lib/staff-filters.js';
import { useLoader } from '../lib/use-loader.js';
import { AppLink } from './app-link.js';

/** How many names the line spells out before "and N more". */
const NAMES_SHOWN = 5;

/**
 * Before "Require two-factor authentication" is turned on: how many active users it would send
 * to enrolment at their next login, and who (the staff list's "Without two-factor" filter).
 */
export function RequireTwoFactorImpact() {
  const [overview] = useLoader(() => api.securityOverview(), 'security-overview');
  if (overview.status !== 'ready') return null;
  const affected = overview.value.requireTwoFactorAffects;
  if (affected.length === 0)
    return (
      <p className="field__hint" data-testid="require-two-factor-impact">
        Every active user already has two-factor authentication, so requiring it changes nothing for them.
      </p>
    );
  const names = affected.slice(0, NAMES_SHOWN).map((user) => `${user.firstName} ${user.lastName}`.trim());
  const more = affected.length - names.length;
  return (
    <p className="field__hint" data-testid="require-two-factor-impact">
      Requiring it affects {affected.length === 1 ? '1 user' : `${affected.length} users`} without two-factor
      authentication, who must set it up at their next login: {names.join(', ')}
      {more > 0 ? ` and ${more} more` : ''}.{' '}
      <AppLink href={staffFilterHref('no_two_factor')}>See Them in the Staff List</AppLink>
    </p>
  );
}
