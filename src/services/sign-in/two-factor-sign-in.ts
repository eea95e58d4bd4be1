import { RECOVERY_CODES_WARN_BELOW } from '../../domain/recovery-codes.js';
import type { SignInStage } from '../../domain/session-stage.js';
import type { Executor } from '../../store/database.js';
import { audit } from '../activity/audit.js';
import { claimAttempt, countFailure, returnAttempt } from './auth-failures.js';
import type { RequestOrigin } from '../context.js';
import { notifyUser } from '../mail/notify.js';
import { rememberBrowser, rememberBrowserAllowed } from '../two-factor/remembered-browsers.js';
import { checkSecondFactorCode } from '../two-factor/second-factor-code.js';
import type { OwnRequest, ValidSession } from '../sessions/sessions.js';
import { advanceSignIn } from './sign-in.js';
import type { TwoFactorDeps } from '../two-factor/two-factor-deps.js';

/**
 * Sign-in, step two (stage `two_factor`): a TOTP code, a recovery code, or a passkey
 * (services/two-factor/passkeys.ts), all ending here.
 *
 * - Success moves the session on under a new id (S2), records `two_factor.succeeded` (and
 *   `recovery_code.used`, with an email that says how many are left and, below 3, to make a
 *   new set), and may remember the browser.
 * - Failure (wrong, replayed or used-up code, unverifiable passkey) records `two_factor.failed`
 *   and counts towards the account's lock (T3), count first (attemptSecondFactor). A locked
 *   account is refused without a check.
 * - Codes never reach an event, a log or an error message (F7, L3).
 */
export interface SecondFactorInput {
  readonly code: string;
  readonly rememberBrowser: boolean;
}

export type SecondFactorResult =
  | {
      readonly ok: true;
      readonly token: string;
      readonly stage: SignInStage;
      readonly remembered: { readonly token: string; readonly expiresAt: number } | undefined;
    }
  | { readonly ok: false };

export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey';

export async function completeSecondFactor(
  deps: TwoFactorDeps,
  { auth, origin, ...input }: OwnRequest & SecondFactorInput,
): Promise<SecondFactorResult> {
  return attemptSecondFactor(deps, {
    auth,
    origin,
    rememberBrowser: input.rememberBrowser,
    check: async (trx, now) => {
      const check = await checkSecondFactorCode(trx, deps.secretKeys, auth.user.id, input.code, now);
      if (!check.ok || check.method === 'totp') return check;
      return {
        ok: true,
        method: check.method,
        async onPassed() {
          const { user, practice } = auth;
          await audit(trx, {
            practiceId: practice.id,
            type: 'recovery_code.used',
            outcome: 'success',
            actor: user,
            target: user,
            origin,
            at: now,
            details: { remaining: check.remaining },
          });
          await notifyUser(trx, { user, practice, origin, at: now }, recoveryCodeUsedEmail(check.remaining));
        },
      };
    },
  });
}

/** What a second factor's own check found; onPassed records more once the sign-in has moved on. */
export type SecondFactorCheck =
  | { readonly ok: true; readonly method: SecondFactorMethod; readonly onPassed?: () => Promise<void> }
  | { readonly ok: false; readonly reason: string };

/** Why a checked second factor still fails: thrown to roll back everything the check did. */
class SecondFactorRefused extends Error {
  constructor(readonly reason: 'locked' | 'session_ended') {
    super(reason);
  }
}

/**
 * Every second factor (code or passkey) goes this one way: claim a place in the account's count
 * (auth-failures.ts) before the check, so attempts sent at once are checked at most `threshold`
 * times; a failed check keeps the place and records `two_factor.failed`; a passed one gives the
 * place back and moves the session on. A pass that cannot stand (the account locked, or the
 * sign-in ended, while it was checked) is rolled back whole, so no success event, used recovery
 * code or remembered browser outlives a refused answer.
 */
export async function attemptSecondFactor(
  deps: TwoFactorDeps,
  {
    auth,
    origin,
    rememberBrowser: remember,
    check,
  }: OwnRequest & {
    readonly rememberBrowser: boolean;
    readonly check: (trx: Executor, now: number) => Promise<SecondFactorCheck>;
  },
): Promise<SecondFactorResult> {
  const place = await claimAttempt(deps.store.db, auth, deps.clock.now());
  const now = deps.clock.now();
  if (!place)
    return deps.store.transaction((trx) => recordFailure(trx, auth, { origin, now, reason: 'locked' }));
  try {
    return await deps.store.transaction(async (trx) => {
      const result = await check(trx, now);
      if (!result.ok) {
        await countFailure(trx, place, origin);
        return recordFailure(trx, auth, { origin, now, reason: result.reason });
      }
      if ((await returnAttempt(trx, place, now)) !== undefined) throw new SecondFactorRefused('locked');
      const { user, practice, session } = auth;
      await result.onPassed?.();
      await audit(trx, {
        practiceId: practice.id,
        type: 'two_factor.succeeded',
        outcome: 'success',
        actor: user,
        target: user,
        origin,
        at: now,
        details: { method: result.method },
      });
      const remembered =
        remember && rememberBrowserAllowed(practice)
          ? await rememberBrowser(trx, { user, practice, origin, now })
          : undefined;
      const next = await advanceSignIn(trx, session, {
        user,
        practice,
        progress: { ...session.progress, secondFactorDone: true },
        origin,
        now,
      });
      if (!next) throw new SecondFactorRefused('session_ended');
      return { ok: true, token: next.token, stage: next.stage, remembered } as const;
    });
  } catch (error) {
    if (!(error instanceof SecondFactorRefused)) throw error;
    return deps.store.transaction((trx) => recordFailure(trx, auth, { origin, now, reason: error.reason }));
  }
}

async function recordFailure(
  trx: Executor,
  { user, practice }: ValidSession,
  context: { readonly origin: RequestOrigin; readonly now: number; readonly reason: string },
): Promise<{ readonly ok: false }> {
  await audit(trx, {
    practiceId: practice.id,
    type: 'two_factor.failed',
    outcome: 'failure',
    actor: user,
    target: user,
    origin: context.origin,
    at: context.now,
    details: { reason: context.reason },
  });
  return { ok: false };
}

function recoveryCodeUsedEmail(remaining: number) {
  const paragraphs = [
    'A recovery code was just used to log in to your account. Each recovery code works only once.',
    remaining === 1
      ? 'You have 1 unused recovery code left.'
      : `You have ${remaining} unused recovery codes left.`,
  ];
  if (remaining < RECOVERY_CODES_WARN_BELOW)
    paragraphs.push(
      'You are running out of recovery codes. Log in, open Profile > Security & Activity and choose Get New Recovery Codes.',
    );
  return { subject: 'A recovery code was used to log in', paragraphs };
}
