import { isLocked } from './account-lock.js';

/**
 * The staff list's filters, sort orders and search, and the security overview's counts, as pure
 * rules over what is known of each account (docs/architecture.md "Administrator oversight"). Every filter
 * but `deactivated` looks at active accounts only: a deactivated account cannot sign in, so it
 * is no risk to chase. The overview counts exactly the users each filter lists, so its links
 * and its numbers cannot disagree.
 */
export const STAFF_FILTERS = [
  'no_two_factor',
  'locked',
  'never_signed_in',
  'temporary_password',
  'inactive_90_days',
  'password_expired',
  'recent_lockout',
  'failed_sign_in_burst',
  'deactivated',
] as const;
export type StaffFilter = (typeof STAFF_FILTERS)[number];

export function isStaffFilter(value: unknown): value is StaffFilter {
  return typeof value === 'string' && (STAFF_FILTERS as readonly string[]).includes(value);
}

export const STAFF_SORTS = ['name', 'username', 'last_login', 'status'] as const;
export type StaffSort = (typeof STAFF_SORTS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** "No sign-in for 90 days". */
export const INACTIVE_DAYS = 90;
/** A lockout counts as recent for this long. */
export const RECENT_LOCKOUT_DAYS = 7;
/** A burst: at least this many refused sign-ins of one account within the window below. */
export const FAILED_BURST_MIN = 5;
export const FAILED_BURST_WINDOW_HOURS = 24;

const DAY_MS = 86_400_000;

/** What the rules need to know of one account; times are UTC ms. */
export interface StaffAccount {
  readonly id: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly status: 'active' | 'deactivated';
  readonly createdAt: number;
  readonly lastLoginAt: number | null;
  readonly lockedUntil: number | null;
  readonly passwordChangedAt: number;
  readonly passwordMustChange: boolean;
  readonly twoFactorEnabled: boolean;
}

/** Facts about the practice's recent events, by user id. */
export interface RecentSecurityEvents {
  readonly recentlyLocked: ReadonlySet<string>;
  readonly failedSignInBursts: ReadonlySet<string>;
}

export interface FilterContext {
  readonly now: number;
  /** The practice's password expiry in days; null when passwords never expire. */
  readonly passwordExpiryDays: number | null;
  readonly events: RecentSecurityEvents;
}

export function matchesFilter(account: StaffAccount, filter: StaffFilter, context: FilterContext): boolean {
  if (filter === 'deactivated') return account.status === 'deactivated';
  if (account.status !== 'active') return false;
  const { now } = context;
  switch (filter) {
    case 'no_two_factor':
      return !account.twoFactorEnabled;
    case 'locked':
      return isLocked(account, now);
    case 'never_signed_in':
      return account.lastLoginAt === null;
    case 'temporary_password':
      return account.passwordMustChange;
    case 'inactive_90_days':
      // An account never used counts from its creation, so a new one is not "inactive" on day one.
      return (account.lastLoginAt ?? account.createdAt) <= now - INACTIVE_DAYS * DAY_MS;
    case 'password_expired':
      return (
        context.passwordExpiryDays !== null &&
        !account.passwordMustChange &&
        account.passwordChangedAt <= now - context.passwordExpiryDays * DAY_MS
      );
    case 'recent_lockout':
      return context.events.recentlyLocked.has(account.id);
    case 'failed_sign_in_burst':
      return context.events.failedSignInBursts.has(account.id);
  }
}

/** Whether the search text (trimmed, any case) is part of the name, user name or email. */
export function matchesSearch(account: StaffAccount, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  return [
    `${account.firstName} ${account.lastName}`,
    `${account.lastName}, ${account.firstName}`,
    account.username,
    account.email,
  ].some((text) => text.toLowerCase().includes(needle));
}

// One collator for every comparison: localeCompare with options builds one per call, which
// dominated sorting a practice of 1,000 staff (bench/activity.mjs).
const byText = new Intl.Collator('en', { sensitivity: 'base' }).compare;

type Named = Pick<StaffAccount, 'firstName' | 'lastName' | 'username'>;
const byName = (a: Named, b: Named) => byText(a.lastName, b.lastName) || byText(a.firstName, b.firstName);
const byUsername = (a: Named, b: Named) => byText(a.username, b.username);

/** Ties fall back to the name, then the user name, so the order never depends on the database. */
function compareBy(sort: StaffSort, now: number): (a: StaffAccount, b: StaffAccount) => number {
  switch (sort) {
    case 'name':
      return byName;
    case 'username':
      return byUsername;
    // Never signed in sorts before every real time, as the oldest.
    case 'last_login':
      return (a, b) => (a.lastLoginAt ?? -1) - (b.lastLoginAt ?? -1);
    case 'status':
      return (a, b) => statusRank(a, now) - statusRank(b, now);
  }
}

/** Active, then locked, then deactivated. */
function statusRank(account: StaffAccount, now: number): number {
  if (account.status === 'deactivated') return 2;
  return isLocked(account, now) ? 1 : 0;
}

export function sortStaff<T extends StaffAccount>(
  accounts: readonly T[],
  sort: StaffSort,
  order: SortOrder,
  now: number,
): T[] {
  const primary = compareBy(sort, now);
  const sign = order === 'asc' ? 1 : -1;
  return [...accounts].sort((a, b) => sign * primary(a, b) || byName(a, b) || byUsername(a, b));
}

/** sortStaff's order by name, ascending, for a list that holds only what names each user. */
export function sortByName<T extends Named>(accounts: readonly T[]): T[] {
  return [...accounts].sort((a, b) => byName(a, b) || byUsername(a, b));
}

/** The security overview's numbers: each is how many users the filter of the same name lists. */
export type StaffCounts = Readonly<Record<StaffFilter, number>> & {
  /** Active accounts, the base of the two-factor coverage. */
  readonly active: number;
  readonly twoFactorEnabled: number;
};
