import type { Executor } from './database.js';

/**
 * Takes one hit from a bucket in one atomic statement (safe across instances), unless the
 * bucket already holds `max` hits in its current window: requests sent at once can never take
 * more than `max` between them. A bucket whose window has ended starts a new window at this
 * hit. Returns when the window of the hit taken ends, or undefined when the bucket was full.
 */
export async function takeRateLimitHit(
  db: Executor,
  key: string,
  window: { readonly now: number; readonly windowMs: number; readonly max: number },
): Promise<number | undefined> {
  const { now, windowMs, max } = window;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, count: 1, expires_at: now + windowMs })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          count: eb
            .case()
            .when('rate_limits.expires_at', '<=', now)
            .then(1)
            .else(eb('rate_limits.count', '+', 1))
            .end(),
          expires_at: eb
            .case()
            .when('rate_limits.expires_at', '<=', now)
            .then(now + windowMs)
            .else(eb.ref('rate_limits.expires_at'))
            .end(),
        }))
        .where((eb) => eb.or([eb('rate_limits.expires_at', '<=', now), eb('rate_limits.count', '<', max)])),
    )
    .returning('expires_at')
    .executeTakeFirst();
  return row?.expires_at;
}

/** Gives back a hit taken in the window that ends at `expiresAt`; nothing once a new window began. */
export async function returnRateLimitHit(db: Executor, key: string, expiresAt: number): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('expires_at', '=', expiresAt)
    .where('count', '>', 0)
    .execute();
}

/**
 * Marks a full bucket's first refusal in its window, in one atomic statement: the count moves
 * from `max` to `max + 1` (still full, so takeRateLimitHit keeps refusing). Returns the window's
 * end for that one refusal, undefined for every later one (the update matches no row then, so
 * a flood of refused requests writes nothing), which lets one event summarise the window.
 */
export async function claimFirstRefusal(
  db: Executor,
  key: string,
  window: { readonly now: number; readonly max: number },
): Promise<number | undefined> {
  const row = await db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb('count', '+', 1) }))
    .where('key', '=', key)
    .where('expires_at', '>', window.now)
    .where('count', '=', window.max)
    .returning('expires_at')
    .executeTakeFirst();
  return row?.expires_at;
}

/** When a bucket's current window ends; undefined when it has none (never hit, or ended). */
export async function findRateLimitWindowEnd(
  db: Executor,
  key: string,
  now: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('rate_limits')
    .select('expires_at')
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.expires_at;
}
