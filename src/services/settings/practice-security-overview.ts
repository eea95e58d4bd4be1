import {
  FAILED_BURST_MIN,
  FAILED_BURST_WINDOW_HOURS,
  INACTIVE_DAYS,
  RECENT_LOCKOUT_DAYS,
  sortByName,
  type StaffCounts,
} from '../../domain/staff-filter.js';
import type { Practice } from '../../store/practice-store.js';
import {
  countStaffAccounts,
  listActiveWithoutTwoFactor,
  type StaffName,
} from '../../store/staff-security-store.js';
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
  readonly requireTwoFactorAffects: readonly StaffName[];
  readonly timeZone: string;
}

export async function practiceSecurityOverview(
  deps: ServiceDeps,
  { practice }: { readonly practice: Practice },
): Promise<PracticeSecurityOverview> {
  const { settings } = practice;
  // Counted by the database, not read account by account: the page shows numbers, and names
  // only the users requiring two-factor authentication would affect (bench/README.md "Activity
  // log": 1,000 staff read into objects were a third of the overview's time).
  const [context, withoutTwoFactor] = await Promise.all([
    filterContext(deps, { practice, withEvents: true }),
    settings.requireTwoFactor ? [] : listActiveWithoutTwoFactor(deps.store.db, practice.id),
  ]);
  return {
    counts: await countStaffAccounts(deps.store.db, practice.id, context),
    lockouts: context.lockouts,
    windows: {
      inactiveDays: INACTIVE_DAYS,
      recentLockoutDays: RECENT_LOCKOUT_DAYS,
      failedBurstMin: FAILED_BURST_MIN,
      failedBurstHours: FAILED_BURST_WINDOW_HOURS,
      passwordExpiryDays: settings.passwordPolicy.expiryDays,
    },
    requireTwoFactorAffects: sortByName(withoutTwoFactor),
    timeZone: settings.timeZone,
  };
}
