import { api } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { FormAlert } from '../components/form-alert.js';
import { staffFilterHref } from '../lib/staff-filters.js';
import { useLoader } from '../lib/use-loader.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { SecurityOverviewReport, StaffFilterName } from '../types.js';

function people(n: number): string {
  return n === 1 ? '1 user' : `${n} users`;
}

/** The overview's tiles: a count, what it means, and the staff list filtered to those users. */
function tiles(report: SecurityOverviewReport): { filter: StaffFilterName; title: string; hint: string }[] {
  const { windows } = report;
  return [
    {
      filter: 'no_two_factor',
      title: 'Without two-factor authentication',
      hint: 'Active users who log in with a password alone.',
    },
    { filter: 'locked', title: 'Locked accounts', hint: 'Locked now after too many failed logins.' },
    {
      filter: 'temporary_password',
      title: 'Temporary passwords pending',
      hint: 'Given a temporary password that they have not replaced yet.',
    },
    {
      filter: 'inactive_90_days',
      title: `No login for ${windows.inactiveDays} days`,
      hint: 'Accounts nobody has used lately: deactivate the ones no longer needed.',
    },
    {
      filter: 'password_expired',
      title: 'Passwords past expiry',
      hint:
        windows.passwordExpiryDays === null
          ? 'Passwords never expire in this practice.'
          : `Not changed for ${windows.passwordExpiryDays} days; they must change it at their next login.`,
    },
    {
      filter: 'recent_lockout',
      title: 'Locked out recently',
      hint: `Locked out in the last ${windows.recentLockoutDays} days (${report.lockouts === 1 ? '1 lockout' : `${report.lockouts} lockouts`}).`,
    },
    {
      filter: 'failed_sign_in_burst',
      title: 'Many failed logins',
      hint: `${windows.failedBurstMin} or more failed logins in the last ${windows.failedBurstHours} hours.`,
    },
    { filter: 'never_signed_in', title: 'Never logged in', hint: 'Active accounts not used even once.' },
  ];
}

/** Settings > Security Overview (Practice Administrators): accounts that need attention, at a glance. */
export function SecurityOverviewPage() {
  usePageTitle('Security Overview');
  const [overview] = useLoader(() => api.securityOverview(), 'security-overview');
  return (
    <div className="page page--wide">
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          Security Overview
        </h1>
      </header>
      {overview.status === 'error' && <FormAlert message={overview.message} />}
      {overview.status === 'loading' && <p className="muted">Loading the overview…</p>}
      {overview.status === 'ready' && <Report report={overview.value} />}
    </div>
  );
}

function Report({ report }: { report: SecurityOverviewReport }) {
  const { counts } = report;
  const coverage = counts.active === 0 ? 100 : Math.round((100 * counts.twoFactorEnabled) / counts.active);
  return (
    <>
      <section className="card overview__coverage" aria-labelledby="coverage-heading">
        <h2 id="coverage-heading" className="card__title">
          Two-Factor Coverage
        </h2>
        <p className="overview__big" data-testid="two-factor-coverage">
          {coverage}%
        </p>
        <p className="muted">
          {counts.twoFactorEnabled} of {people(counts.active)} with an active account use two-factor
          authentication.
        </p>
      </section>
      <ul className="overview__tiles" aria-label="Accounts that need attention">
        {tiles(report).map(({ filter, title, hint }) => (
          <li key={filter} className="card overview__tile" data-testid={`overview-${filter}`}>
            <AppLink href={staffFilterHref(filter)} className="overview__link">
              <span className="overview__count">{counts[filter]}</span>
              <span className="overview__title">{title}</span>
            </AppLink>
            <p className="muted overview__hint">{hint}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
