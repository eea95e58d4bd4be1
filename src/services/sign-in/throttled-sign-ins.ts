import type { RateLimitRule } from '../../domain/rate-limits.js';
import { findAccountByName } from '../../store/user-store.js';
import { audit, detailText } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';

export interface ThrottledSignIn {
  /** What the refused request typed, when it did. */
  readonly practiceCode: string | undefined;
  readonly username: string | undefined;
  /** The rule that refused it: per IP address or per account. */
  readonly rule: RateLimitRule;
  readonly windowEnd: number;
}

/**
 * One `login.throttled` event for a sign-in limit's window, written at its first refusal
 * (plugins/rate-limit.ts tells only that one): the practice's log shows that attempts were
 * slowed down, from where, for whom and until when, without an event per refused request.
 * It goes to the practice the attempt named (with its user as target when there is one);
 * an attempt naming no practice goes to the chain of unknown practices, as login.failed does.
 */
export async function recordThrottledSignIn(
  deps: ServiceDeps,
  { practiceCode, username, rule, windowEnd, origin }: ThrottledSignIn & { readonly origin: RequestOrigin },
): Promise<void> {
  const account =
    practiceCode !== undefined && username !== undefined
      ? await findAccountByName(deps.store.db, practiceCode, username)
      : undefined;
  const user = account?.credentials?.user;
  await deps.store.transaction((trx) =>
    audit(trx, {
      practiceId: account?.practice.id ?? null,
      type: 'login.throttled',
      outcome: 'failure',
      actor: null,
      target: user ?? null,
      origin,
      at: deps.clock.now(),
      details: {
        per: rule.scope,
        limit: rule.max,
        windowMinutes: Math.round(rule.windowMs / 60_000),
        until: new Date(windowEnd).toISOString(),
        ...(user === undefined
          ? {
              practiceCode: practiceCode === undefined ? null : detailText(practiceCode),
              username: username === undefined ? null : detailText(username),
            }
          : {}),
      },
    }),
  );
}
