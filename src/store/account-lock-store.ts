import type { Executor } from './handle.js';

/**
 * The account's failure count and lock (domain/account-lock.ts), on the user's row: a place
 * claimed before each secret is checked, given back when it was right, the lock set when the
 * count is full, and lifted by an administrator. services/sign-in/auth-failures.ts decides;
 * these are its statements. Every one is scoped to the practice, as the rest of user-store.ts.
 */

/**
 * Claims a place in the account's failure count before a secret is checked, in one atomic
 * statement (per account, across IPs and instances; domain/account-lock.ts): adds one unless
 * the count already holds `limits.active` places (or `limits.locked` while the account is
 * locked), or, unlocked, no place was taken for `limits.abandonedMs`. Undefined when there was
 * no place.
 */
export async function claimAttemptPlace(
  db: Executor,
  practiceId: string,
  userId: string,
  claim: {
    readonly at: number;
    readonly limits: { readonly active: number; readonly locked: number; readonly abandonedMs: number };
  },
): Promise<
  | { readonly failedAttempts: number; readonly lockCount: number; readonly lockedUntil: number | null }
  | undefined
> {
  const { at, limits } = claim;
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), updated_at: at }))
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .where((eb) =>
      eb.or([
        eb(
          'failed_attempts',
          '<',
          eb.case().when('locked_until', '>', at).then(limits.locked).else(limits.active).end(),
        ),
        eb.and([
          eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]),
          eb('updated_at', '<=', at - limits.abandonedMs),
        ]),
      ]),
    )
    .returning(['failed_attempts', 'lock_count', 'locked_until'])
    .executeTakeFirst();
  return (
    row && { failedAttempts: row.failed_attempts, lockCount: row.lock_count, lockedUntil: row.locked_until }
  );
}

/**
 * Gives back the place of an attempt whose secret was right. Returns the account's lock end as
 * it stands now: read under the row's write lock, so no lock lands between this and the rest of
 * the caller's transaction.
 */
export async function returnAttemptPlace(
  db: Executor,
  practiceId: string,
  userId: string,
): Promise<number | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({
      failed_attempts: eb
        .case()
        .when('failed_attempts', '>', 0)
        .then(eb('failed_attempts', '-', 1))
        .else(0)
        .end(),
    }))
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .returning('locked_until')
    .executeTakeFirst();
  return row?.locked_until ?? null;
}

/** Locks the account until the given time, restarting the failure count. */
export async function lockAccount(
  db: Executor,
  practiceId: string,
  userId: string,
  lock: { readonly until: number; readonly at: number },
): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({
      locked_until: lock.until,
      lock_count: eb('lock_count', '+', 1),
      failed_attempts: 0,
      updated_at: lock.at,
    }))
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
}

/** Lifts a lock (admin unlock) and restarts the failure count; the repeat-lock count stays. */
export async function unlockAccount(
  db: Executor,
  practiceId: string,
  userId: string,
  at: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ locked_until: null, failed_attempts: 0, updated_at: at })
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
}
