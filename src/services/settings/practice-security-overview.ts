import {
  countStaff,
  FAILED_BURST_MIN,
  FAILED_BURST_WINDOW_HOURS,
  INACTIVE_DAYS,
  matchesFilter,
  RECENT_LOCKOUT_DAYS,
  sortStaff,
  type StaffAccount,
  type StaffCounts,
} from '../../domain/staff-filter.js';
import type { Practice } from '../../store/practice-store.js';
import { listStaffAccountFacts } from '../../store/staff-security-store.js';
import type { ServiceDeps } from '../context.js';
import { filterContext } from '../staff/staff-list.js';

/**
 * Settings > Security Overview for a Practice Administrator: how many accounts need attention,
 * each number being the count of the staff list filter of the same name (domain/staff-filter.ts),
 * so the page links every number to exactly those users.
 */
export interface PracticeSecurityOverview {
  readonly counts: StaffCounts;
  /** Lockouts in the recent window (a user locked twice counts twice). */
  readonly lockouts: number;
  /** The windows and thresholds behind the numbers, so the page can say what they mean. */
  readonly windows: {
    readonly inactiveDays: number;
    readonly recentLockoutDays: number;
    readonly failedBurstMin: number;
    readonly failedBurstHours: number;
    readonly passwordExpiryDays: number | null;
  };
  /**
   * Who "Require two-factor authentication" would send to enrolment at their next sign-in: the
   * active users without it. Empty while it is already required.
   */
  readonly requireTwoFactorAffects: readonly StaffAccount[];
  readonly timeZone: string;
}

export async function practiceSecurityOverview(
  deps: ServiceDeps,
  { practice }: { readonly practice: Practice },
): Promise<PracticeSecurityOverview> {
  const [accounts, context] = await Promise.all([
    listStaffAccountFacts(deps.store.db, practice.id),
    filterContext(deps, { practice, withEvents: true }),
  ]);
  const { settings } = practice;
  return {
    counts: countStaff(accounts, context),
    lockouts: context.lockouts,
    windows: {
      inactiveDays: INACTIVE_DAYS,
      recentLockoutDays: RECENT_LOCKOUT_DAYS,
      failedBurstMin: FAILED_BURST_MIN,
      failedBurstHours: FAILED_BURST_WINDOW_HOURS,
      passwordExpiryDays: settings.passwordPolicy.expiryDays,
    },
    requireTwoFactorAffects: settings.requireTwoFactor
      ? []
      : sortStaff(
          accounts.filter((account) => matchesFilter(account, 'no_two_factor', context)),
          'name',
          'asc',
          context.now,
        ),
    timeZone: settings.timeZone,
  };
}
