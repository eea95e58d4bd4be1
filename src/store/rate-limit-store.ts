import type { Executor } from './handle.js';

/** One bucket a request takes a hit from: at most `max` hits per window of `windowMs`. */
export interface RateLimitBucketWindow {
  readonly key: string;
  readonly max: number;
  readonly windowMs: number;
}

/**
 * Takes one hit from each bucket in one atomic statement (safe across instances), except from a
 * bucket that already holds `max` hits in its current window: requests sent at once can never
 * take more than `max` between them. A bucket whose window has ended starts a new window at this
 * hit. Returns, per bucket a hit was taken from, when that hit's window ends; a bucket missing
 * from the answer was full.
 *
 * One statement for all of a request's buckets, not one each: every statement outside a
 * transaction is a commit of its own, and a sign-in's two buckets, taken and given back, were
 * four (bench/README.md, "Sign-in below the floor"). Rows are written in key order, here and in
 * returnRateLimitHits, so two requests over the same buckets lock them in the same order and
 * cannot deadlock on PostgreSQL.
 */
export async function takeRateLimitHits(
  db: Executor,
  buckets: readonly RateLimitBucketWindow[],
  now: number,
): Promise<ReadonlyMap<string, number>> {
  if (buckets.length === 0) return new Map();
  const inKeyOrder = [...buckets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rows = await db
    .insertInto('rate_limits')
    .values(inKeyOrder.map(({ key, windowMs }) => ({ key, count: 1, expires_at: now + windowMs })))
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
            .then(eb.ref('excluded.expires_at'))
            .else(eb.ref('rate_limits.expires_at'))
            .end(),
        }))
        .where((eb) => {
          // Each bucket's own max, chosen by its key.
          const [first, ...rest] = inKeyOrder as [RateLimitBucketWindow, ...RateLimitBucketWindow[]];
          let maxOfBucket = eb.case('rate_limits.key').when(first.key).then(first.max);
          for (const { key, max } of rest) maxOfBucket = maxOfBucket.when(key).then(max);
          return eb.or([
            eb('rate_limits.expires_at', '<=', now),
            eb('rate_limits.count', '<', maxOfBucket.end()),
          ]);
        }),
    )
    .returning(['key', 'expires_at'])
    .execute();
  return new Map(rows.map((row) => [row.key, row.expires_at]));
}

/**
 * Gives back hits, each taken in the window that ends at its `expiresAt`; nothing for a bucket
 * whose window has ended or restarted since. One statement, rows in key order (see
 * takeRateLimitHits): an upsert rather than an UPDATE, because an upsert writes its rows in the
 * order given on both databases. A bucket already purged gets an empty row, in its ended window,
 * that the scheduled purge removes.
 */
export async function returnRateLimitHits(
  db: Executor,
  hits: readonly { readonly key: string; readonly expiresAt: number }[],
): Promise<void> {
  if (hits.length === 0) return;
  const inKeyOrder = [...hits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  await db
    .insertInto('rate_limits')
    .values(inKeyOrder.map(({ key, expiresAt }) => ({ key, count: 0, expires_at: expiresAt })))
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({ count: eb('rate_limits.count', '-', 1) }))
        .where((eb) =>
          eb.and([
            eb('rate_limits.expires_at', '=', eb.ref('excluded.expires_at')),
            eb('rate_limits.count', '>', 0),
          ]),
        ),
    )
    .execute();
}

/**
 * Marks a full bucket's first refusal in its window, in one atomic statement: the count moves
 * from `max` to `max + 1` (still full, so takeRateLimitHits keeps refusing). Returns the window's
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
