import { createHash } from 'node:crypto';

/**
 * Rate limits (docs/requirements.md T2, R2; docs/architecture.md "Rate limits and account lock").
 * Counters live in the database, shared by every server instance; each rule counts within a
 * fixed window per scope:
 *
 * | policy               | per IP            | per account / user / email | counts            |
 * |----------------------|-------------------|----------------------------|-------------------|
 * | login                | 100 / 15 min      | 20 / 15 min (practice+name)| failures (401/403)|
 * | twoFactor            | 100 / 15 min      | 20 / 15 min (session user) | failures (401)    |
 * | forgotPassword       | 20 / h            | 5 / h (practice+name)      | every request     |
 * | forgotPracticeCode   | 20 / h            | 5 / h (email)              | every request     |
 * | resetPassword        | 30 / 15 min       | —                          | failures (400)    |
 * | reauthenticate       | 100 / 15 min      | 20 / 15 min (session user) | failures (400/403)|
 *
 * Count first (services/operations/rate-limiter.ts): a request takes its hit before the work and gets it
 * back when its answer does not count, so requests sent at once never get more than `max`
 * through. Successful sign-ins never count, so a whole practice can sign in from one office
 * address at 8 am. Over a limit: 429 `rate_limited` with Retry-After (seconds until the window
 * ends). `reauthenticate` covers every "enter your current password" prompt.
 * The per-account lock (account-lock.ts) is separate and stricter for known accounts; the
 * per-account limit here also covers unknown names, so both answer alike.
 */
export const RATE_LIMIT_SCOPES = ['ip', 'account', 'email', 'user'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

export interface RateLimitRule {
  readonly scope: RateLimitScope;
  /** Hits allowed per window; the next one is refused. */
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimitPolicy {
  /** Names the counters; two routes with one name share them. */
  readonly name: string;
  readonly rules: readonly RateLimitRule[];
  /** Only answers with these statuses count; absent, every answer counts. */
  readonly countStatuses?: readonly number[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const RATE_LIMITS = {
  login: {
    name: 'login',
    rules: [
      { scope: 'ip', max: 100, windowMs: 15 * MINUTE },
      { scope: 'account', max: 20, windowMs: 15 * MINUTE },
    ],
    countStatuses: [401, 403],
  },
  twoFactor: {
    name: 'two-factor',
    rules: [
      { scope: 'ip', max: 100, windowMs: 15 * MINUTE },
      { scope: 'user', max: 20, windowMs: 15 * MINUTE },
    ],
    countStatuses: [401],
  },
  forgotPassword: {
    name: 'forgot-password',
    rules: [
      { scope: 'ip', max: 20, windowMs: HOUR },
      { scope: 'account', max: 5, windowMs: HOUR },
    ],
  },
  forgotPracticeCode: {
    name: 'forgot-practice-code',
    rules: [
      { scope: 'ip', max: 20, windowMs: HOUR },
      { scope: 'email', max: 5, windowMs: HOUR },
    ],
  },
  resetPassword: {
    name: 'reset-password',
    rules: [{ scope: 'ip', max: 30, windowMs: 15 * MINUTE }],
    countStatuses: [400],
  },
  reauthenticate: {
    name: 'reauthenticate',
    rules: [
      { scope: 'ip', max: 100, windowMs: 15 * MINUTE },
      { scope: 'user', max: 20, windowMs: 15 * MINUTE },
    ],
    countStatuses: [400, 403],
  },
} as const satisfies Record<string, RateLimitPolicy>;

/** A counter's key: a hash, so no typed name or address is stored beside the count. */
export function rateLimitKey(policy: string, scope: RateLimitScope, value: string): string {
  return createHash('sha256').update(`${policy}\n${scope}\n${value}`).digest('hex');
}

/** Whole seconds until a window ends, at least 1 (the Retry-After header). */
export function retryAfterSeconds(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAt - now) / 1000));
}
