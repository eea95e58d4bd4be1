import { retryAfterSeconds, type RateLimitRule } from '../domain/rate-limits.js';
import { findRateLimitCounts, incrementRateLimit, pruneRateLimits } from '../store/rate-limit-store.js';
import type { ServiceDeps } from './context.js';

/**
 * The database-backed limiter behind every rate-limit policy (see domain/rate-limits.ts):
 * `checkRateLimits` before the work, `countRateLimits` after it when the answer counts.
 * Ended windows are pruned at most once a minute per instance.
 */
export interface RateLimitBucket {
  readonly key: string;
  readonly rule: RateLimitRule;
}

export type RateLimitCheck =
  { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

const PRUNE_INTERVAL_MS = 60_000;

export interface RateLimiter {
  check(buckets: readonly RateLimitBucket[]): Promise<RateLimitCheck>;
  count(buckets: readonly RateLimitBucket[]): Promise<void>;
}

export function createRateLimiter(deps: Pick<ServiceDeps, 'store' | 'clock'>): RateLimiter {
  const { store, clock } = deps;
  let lastPrune = 0;
  return {
    async check(buckets) {
      const now = clock.now();
      let retryAfter = 0;
      const counts = await findRateLimitCounts(
        store.db,
        buckets.map((bucket) => bucket.key),
        now,
      );
      for (const { key, rule } of buckets) {
        const current = counts.get(key);
        if (current && current.count >= rule.max) {
          retryAfter = Math.max(retryAfter, retryAfterSeconds(current.expiresAt, now));
        }
      }
      return retryAfter > 0 ? { ok: false, retryAfterSeconds: retryAfter } : { ok: true };
    },
    async count(buckets) {
      const now = clock.now();
      for (const { key, rule } of buckets) {
        await incrementRateLimit(store.db, key, { now, windowMs: rule.windowMs });
      }
      if (now - lastPrune >= PRUNE_INTERVAL_MS) {
        lastPrune = now;
        await pruneRateLimits(store.db, now);
      }
    },
  };
}
