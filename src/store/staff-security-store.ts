import { chainIdOf } from '../domain/audit-event.js';
import {
  INACTIVE_DAYS,
  STAFF_FILTERS,
  type FilterContext,
  type StaffAccount,
  type StaffCounts,
  type StaffFilter,
} from '../domain/staff-filter.js';
import type { Expression, SqlBool } from 'kysely';
import type { Executor } from './database.js';
import { selectionOf } from './column-map.js';
import { USER_FIELDS, userFromRow, type User } from './user-store.js';

/**
 * Reads behind the staff list and the security overview: every user of a practice with their
 * two-factor state (one query, not one per user), and who was locked out or refused sign-in
 * again and again lately, from the practice's own events. The event reads are ranges of the
 * (chain_id, type, at, seq) index (migrations/0004-activity.ts), so they cost what the window
 * holds, not what the log holds.
 */
export interface StaffAccountRow {
  readonly user: User;
  readonly twoFactorEnabled: boolean;
}

/** The practice's users, or only those of them among `only` (the users a filter's events name). */
export async function listStaffAccounts(
  db: Executor,
  practiceId: string,
  only?: ReadonlySet<string>,
): Promise<StaffAccountRow[]> {
  if (only?.size === 0) return [];
  let query = db
    .selectFrom('users')
    .leftJoin('two_factor_totp', 'two_factor_totp.user_id', 'users.id')
    .select([...selectionOf(USER_FIELDS), 'two_factor_totp.enabled_at'])
    .where('users.practice_id', '=', practiceId);
  if (only) query = query.where('users.id', 'in', [...only]);
  const rows = await query.execute();
  return rows.map((row) => ({ user: userFromRow(row), twoFactorEnabled: row.enabled_at !== null }));
}

/**
 * The same accounts as only the overview's rules read them: half the columns of a User and no
 * User objects, since the overview answers on every visit (bench/activity.mjs: 1,000 staff).
 */
export async function listStaffAccountFacts(db: Executor, practiceId: string): Promise<StaffAccount[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('two_factor_totp', 'two_factor_totp.user_id', 'users.id')
    .select([
      'users.id',
      'users.username',
      'users.first_name',
      'users.last_name',
      'users.email',
      'users.status',
      'users.created_at',
      'users.last_login_at',
      'users.locked_until',
      'users.password_changed_at',
      'users.password_must_change',
      'two_factor_totp.enabled_at',
    ])
    .where('users.practice_id', '=', practiceId)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    status: row.status,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    lockedUntil: row.locked_until,
    passwordChangedAt: row.password_changed_at,
    passwordMustChange: row.password_must_change === 1,
    twoFactorEnabled: row.enabled_at !== null,
  }));
}

/** What names a user in a list: the overview's users without two-factor authentication. */
export type StaffName = Pick<StaffAccount, 'id' | 'username' | 'firstName' | 'lastName'>;

const DAY_MS = 86_400_000;

/**
 * The overview's numbers counted by the database: for each filter, how many of the accounts
 * that listStaffAccountFacts reads it matches, said in SQL so the 1,000 accounts of a practice
 * are not read into objects on every visit (bench/README.md "Activity log"). Each condition is
 * its filter's rule in matchesFilter; test/store/store-contract.test.ts compares the two on both
 * databases, so they cannot drift apart.
 */
export async function countStaffAccounts(
  db: Executor,
  practiceId: string,
  context: FilterContext,
): Promise<StaffCounts> {
  const { now, passwordExpiryDays, events } = context;
  const [row, activeIds] = await Promise.all([
    db
      .selectFrom('users')
      .leftJoin('two_factor_totp', 'two_factor_totp.user_id', 'users.id')
      .where('users.practice_id', '=', practiceId)
      .select((eb) => {
        const active = eb('users.status', '=', 'active');
        const count = (alias: string, ...conditions: Expression<SqlBool>[]) =>
          eb.fn.countAll<number | string>().filterWhere(eb.and(conditions)).as(alias);
        return [
          count('active', active),
          count('twoFactorEnabled', active, eb('two_factor_totp.enabled_at', 'is not', null)),
          count('deactivated', eb('users.status', '=', 'deactivated')),
          count('no_two_factor', active, eb('two_factor_totp.enabled_at', 'is', null)),
          count(
            'locked',
            active,
            eb('users.locked_until', 'is not', null),
            eb('users.locked_until', '>', now),
          ),
          count('never_signed_in', active, eb('users.last_login_at', 'is', null)),
          count('temporary_password', active, eb('users.password_must_change', '=', 1)),
          count(
            'inactive_90_days',
            active,
            eb(eb.fn.coalesce('users.last_login_at', 'users.created_at'), '<=', now - INACTIVE_DAYS * DAY_MS),
          ),
          ...(passwordExpiryDays === null
            ? []
            : [
                count(
                  'password_expired',
                  active,
                  eb('users.password_must_change', '=', 0),
                  eb('users.password_changed_at', '<=', now - passwordExpiryDays * DAY_MS),
                ),
              ]),
        ];
      })
      .executeTakeFirstOrThrow(),
    // The event filters count the active users among their events' ids, matched here against
    // the active users' ids rather than sent as an IN list: on PostgreSQL each list length
    // would be a prepared statement of its own (engine/postgres.ts), and its generic plan
    // compared every account with every id (22 ms for 561 ids at 1,000 staff, bench/README.md).
    db
      .selectFrom('users')
      .select('id')
      .where('practice_id', '=', practiceId)
      .where('status', '=', 'active')
      .execute(),
  ]);
  // PostgreSQL answers a count as a bigint string; a count left out above (no expiry) is 0.
  const counted = row as Record<string, number | string | undefined>;
  const value = (key: string) => Number(counted[key] ?? 0);
  const active = new Set(activeIds.map(({ id }) => id));
  const among = (ids: ReadonlySet<string>) => [...ids].filter((id) => active.has(id)).length;
  const counts = Object.fromEntries(STAFF_FILTERS.map((filter) => [filter, value(filter)]));
  return {
    ...(counts as Record<StaffFilter, number>),
    recent_lockout: among(events.recentlyLocked),
    failed_sign_in_burst: among(events.failedSignInBursts),
    active: value('active'),
    twoFactorEnabled: value('twoFactorEnabled'),
  };
}

/** The active users without two-factor authentication (matchesFilter's `no_two_factor`), by name only. */
export async function listActiveWithoutTwoFactor(db: Executor, practiceId: string): Promise<StaffName[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('two_factor_totp', 'two_factor_totp.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.first_name', 'users.last_name'])
    .where('users.practice_id', '=', practiceId)
    .where('users.status', '=', 'active')
    .where('two_factor_totp.enabled_at', 'is', null)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
  }));
}

export interface RecentSecurityEventRows {
  /** Users locked out since `lockedSince`. */
  readonly recentlyLocked: ReadonlySet<string>;
  /** How many lockouts happened since `lockedSince` (a user locked twice counts twice). */
  readonly lockouts: number;
  /** Users refused at least `burstMin` times since `failedSince`. */
  readonly failedSignInBursts: ReadonlySet<string>;
}

export async function findRecentSecurityEvents(
  db: Executor,
  practiceId: string,
  window: { readonly lockedSince: number; readonly failedSince: number; readonly burstMin: number },
): Promise<RecentSecurityEventRows> {
  const chainId = chainIdOf(practiceId);
  const [locks, bursts] = await Promise.all([
    db
      .selectFrom('audit_events')
      .select('target_id')
      .where('chain_id', '=', chainId)
      .where('type', '=', 'account.locked')
      .where('at', '>=', window.lockedSince)
      .execute(),
    // The window's refusals are read first, as a materialized CTE, and only then grouped: asked
    // in one statement, SQLite (analyzed: bench/activity.mjs) took the (target_id, at, seq)
    // index to get the groups in order, and skip-scanned it once per user of the practice
    // (30 ms at 1,000 staff, bench/README.md) instead of reading the 24 hours' range.
    db
      .with(
        (cte) => cte('refused').materialized(),
        (q) =>
          q
            .selectFrom('audit_events')
            .select('target_id')
            .where('chain_id', '=', chainId)
            .where('type', '=', 'login.failed')
            .where('at', '>=', window.failedSince)
            .where('target_id', 'is not', null),
      )
      .selectFrom('refused')
      .select('target_id')
      .groupBy('target_id')
      .having((eb) => eb.fn.countAll(), '>=', window.burstMin)
      .execute(),
  ]);
  const ids = (rows: readonly { target_id: string | null }[]) =>
    new Set(rows.flatMap((row) => (row.target_id === null ? [] : [row.target_id])));
  return { recentlyLocked: ids(locks), lockouts: locks.length, failedSignInBursts: ids(bursts) };
}
