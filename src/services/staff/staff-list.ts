import {
  FAILED_BURST_MIN,
  FAILED_BURST_WINDOW_HOURS,
  matchesFilter,
  matchesSearch,
  RECENT_LOCKOUT_DAYS,
  sortStaff,
  type FilterContext,
  type SortOrder,
  type StaffAccount,
  type StaffFilter,
  type StaffSort,
} from '../../domain/staff-filter.js';
import type { Practice } from '../../store/practice-store.js';
import { findRecentSecurityEvents, listStaffAccounts } from '../../store/staff-security-store.js';
import type { User } from '../../store/user-store.js';
import type { ServiceDeps } from '../context.js';

/**
 * Staff > list for a Practice Administrator: every user of the practice with what matters for
 * oversight (last login, two-factor, lock, temporary password), searched, filtered and sorted
 * by the rules of domain/staff-filter.ts. The security overview reads the same accounts.
 */
export interface StaffListQuery {
  readonly search?: string;
  readonly filter?: StaffFilter;
  readonly sort?: StaffSort;
  readonly order?: SortOrder;
}

export interface StaffListEntry extends StaffAccount {
  readonly user: User;
}

/** Filters that need the practice's recent events, not just the accounts. */
const EVENT_FILTERS: ReadonlySet<StaffFilter> = new Set(['recent_lockout', 'failed_sign_in_burst']);

const NO_EVENTS = { recentlyLocked: new Set<string>(), failedSignInBursts: new Set<string>() };

async function staffAccounts(
  deps: ServiceDeps,
  { practice, only }: { readonly practice: Practice; readonly only?: ReadonlySet<string> },
): Promise<StaffListEntry[]> {
  const rows = await listStaffAccounts(deps.store.db, practice.id, only);
  return rows.map(({ user, twoFactorEnabled }) => ({
    ...user,
    user,
    lastLoginAt: user.lastLogin?.at ?? null,
    twoFactorEnabled,
  }));
}

/** The filter context at `now`, reading events only when asked to. */
export async function filterContext(
  deps: ServiceDeps,
  { practice, withEvents }: { readonly practice: Practice; readonly withEvents: boolean },
): Promise<FilterContext & { readonly lockouts: number }> {
  const now = deps.clock.now();
  const events = withEvents
    ? await findRecentSecurityEvents(deps.store.db, practice.id, {
        lockedSince: now - RECENT_LOCKOUT_DAYS * 86_400_000,
        failedSince: now - FAILED_BURST_WINDOW_HOURS * 3_600_000,
        burstMin: FAILED_BURST_MIN,
      })
    : { ...NO_EVENTS, lockouts: 0 };
  return {
    now,
    passwordExpiryDays: practice.settings.passwordPolicy.expiryDays,
    events,
    lockouts: events.lockouts,
  };
}

export async function listStaff(
  deps: ServiceDeps,
  { practice, ...query }: { readonly practice: Practice } & StaffListQuery,
): Promise<StaffListEntry[]> {
  const { filter, search = '' } = query;
  const context = await filterContext(deps, {
    practice,
    withEvents: filter !== undefined && EVENT_FILTERS.has(filter),
  });
  // An event filter can list only the users its events name: only their accounts are read, not
  // the whole practice's (bench/README.md "Activity log": 1,000 staff, a dozen in a burst).
  const only =
    filter === 'recent_lockout'
      ? context.events.recentlyLocked
      : filter === 'failed_sign_in_burst'
        ? context.events.failedSignInBursts
        : undefined;
  const accounts = await staffAccounts(deps, { practice, only });
  const chosen = accounts.filter(
    (account) =>
      matchesSearch(account, search) && (filter === undefined || matchesFilter(account, filter, context)),
  );
  return sortStaff(chosen, query.sort ?? 'name', query.order ?? 'asc', context.now);
}
