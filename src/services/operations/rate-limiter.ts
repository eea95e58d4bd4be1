import { retryAfterSeconds, type RateLimitRule } from '../../domain/rate-limits.js';
import {
  claimFirstRefusal,
  findRateLimitWindowEnd,
  returnRateLimitHits,
  takeRateLimitHits,
} from '../../store/rate-limit-store.js';
import type { ServiceDeps } from '../context.js';

/**
 * The database-backed limiter behind every rate-limit policy (see domain/rate-limits.ts), count
 * first: `take` claims a hit from each of the request's buckets before the work, all in one
 * atomic statement that refuses a full bucket, so however many requests arrive at once, on
 * however many instances, no more than a rule's `max` get through in its window. Over any
 * limit, the hits already taken are given back and the request is refused. `giveBack` returns
 * the hits of a request whose answer does not count (the policy's `countStatuses`).
 * Buckets whose window has ended are deleted by the scheduled purge (services/operations/expired-rows-purge.ts).
 */
export interface RateLimitBucket {
  readonly key: string;
  readonly rule: RateLimitRule;
}

/** A hit taken from a bucket, in the window that ends at expiresAt. */
export interface RateLimitHit {
  readonly key: string;
  readonly expiresAt: number;
}

export type RateLimitTake =
  | { readonly ok: true; readonly hits: readonly RateLimitHit[] }
  | {
      readonly ok: false;
      readonly retryAfterSeconds: number;
      /** The rule that refused, when this is its bucket's first refusal in the window (else undefined). */
      readonly firstRefusal: { readonly rule: RateLimitRule; readonly windowEnd: number } | undefined;
    };

export interface RateLimiter {
  take(buckets: readonly RateLimitBucket[]): Promise<RateLimitTake>;
  giveBack(hits: readonly RateLimitHit[]): Promise<void>;
}

export function createRateLimiter(deps: Pick<ServiceDeps, 'store' | 'clock'>): RateLimiter {
  const { store, clock } = deps;
  const giveBack = (hits: readonly RateLimitHit[]) => returnRateLimitHits(store.db, hits);
  return {
    async take(buckets) {
      const now = clock.now();
      const taken = await takeRateLimitHits(
        store.db,
        buckets.map(({ key, rule }) => ({ key, max: rule.max, windowMs: rule.windowMs })),
        now,
      );
      const hits = [...taken].map(([key, expiresAt]) => ({ key, expiresAt }));
      const full = buckets.find(({ key }) => !taken.has(key));
      if (full) {
        await giveBack(hits);
        const firstEnd = await claimFirstRefusal(store.db, full.key, { now, max: full.rule.max });
        const windowEnd = firstEnd ?? (await findRateLimitWindowEnd(store.db, full.key, now)) ?? now;
        return {
          ok: false,
          retryAfterSeconds: retryAfterSeconds(windowEnd, now),
          firstRefusal: firstEnd === undefined ? undefined : { rule: full.rule, windowEnd: firstEnd },
        };
      }
      return { ok: true, hits };
    },
    giveBack,
  };
}
