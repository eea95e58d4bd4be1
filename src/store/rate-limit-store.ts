import { compiledOnce } from './compiled-once.js';
import type { Executor } from './database.js';

/** A bucket's state: how many hits in the current window and when that window ends. */
export interface RateLimitCount {
  readonly count: number;
  readonly expiresAt: number;
}

/** The live counts of buckets, by key, in one query; a bucket with none (never hit, or its window ended) is absent. */
export async function findRateLimitCounts(
  db: Executor,
  keys: readonly string[],
  now: number,
): Promise<Map<string, RateLimitCount>> {
  const counts = new Map<string, RateLimitCount>();
  // Two keys per query: every policy has one or two rules (domain/rate-limits.ts).
  for (let i = 0; i < keys.length; i += 2) {
    const first = keys[i] as string;
    const { rows } = await selectTwoCounts(db, { first, second: keys[i + 1] ?? first, now });
    for (const row of rows) counts.set(row.key, { count: row.count, expiresAt: row.expires_at });
  }
  return counts;
}

// Every rate-limited request asks it before its work; a lone key is asked twice.
const selectTwoCounts = compiledOnce(
  ['first', 'second', 'now'],
  (db, v: { first: string; second: string; now: number }) =>
    db
      .selectFrom('rate_limits')
      .select(['key', 'count', 'expires_at'])
      .where('key', 'in', [v.first, v.second])
      .where('expires_at', '>', v.now),
);

/**
 * Adds one hit to a bucket in one atomic statement (safe across instances): a bucket whose
 * window has ended starts a new window at this hit.
 */
export async function incrementRateLimit(
  db: Executor,
  key: string,
  window: { readonly now: number; readonly windowMs: number },
): Promise<RateLimitCount> {
  const { now, windowMs } = window;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, count: 1, expires_at: now + windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
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
      })),
    )
    .returning(['count', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { count: row.count, expiresAt: row.expires_at };
}

/** Deletes buckets whose window has ended; returns how many. */
export async function pruneRateLimits(db: Executor, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
