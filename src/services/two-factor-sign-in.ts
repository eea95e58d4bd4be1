import { RECOVERY_CODES_WARN_BELOW } from '../domain/recovery-codes.js';
import type { SignInStage } from '../domain/session-stage.js';
import type { Executor } from '../store/database.js';
import { audit } from './audit.js';
import { countAuthFailure } from './auth-failures.js';
import type { RequestOrigin } from './context.js';
import { notifyUser } from './notify.js';
import { rememberBrowser, rememberBrowserAllowed } from './remembered-browsers.js';
import { checkSecondFactorCode } from './second-factor-code.js';
import type { ValidSession } from './sessions.js';
import { advanceSignIn } from './sign-in.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

/**
 * Sign-in, step two (stage `two_factor`): a TOTP code, a recovery code, or a passkey
 * (services/passkeys.ts), all ending here.
 *
 * - Success moves the session on under a new id (S2), records `two_factor.succeeded` (and
 *   `recovery_code.used`, with an email that says how many are left and, below 3, to make a
 *   new set), and may remember the browser.
 * - Failure (wrong, replayed or used-up code, unverifiable passkey) records `two_factor.failed`
 *   and counts towards the account's lock (T3). A locked account is refused without a check.
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
  auth: ValidSession,
  input: SecondFactorInput,
  origin: RequestOrigin,
): Promise<SecondFactorResult> {
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    if (isLocked(auth, now)) return failSecondFactor(trx, auth, { origin, now, reason: 'locked' });
    const check = await checkSecondFactorCode(trx, deps.secretKeys, auth.user.id, input.code, now);
    if (!check.ok) return failSecondFactor(trx, auth, { origin, now, reason: check.reason });
    if (check.method === 'recovery_code') {
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
    }
    return passSecondFactor(trx, auth, {
      origin,
      now,
      method: check.method,
      rememberBrowser: input.rememberBrowser,
    });
  });
}

export function isLocked(auth: ValidSession, now: number): boolean {
  return auth.user.lockedUntil !== null && auth.user.lockedUntil > now;
}

/** Records a failed second factor and counts it towards the lock (except when already locked). */
export async function failSecondFactor(
  trx: Executor,
  { user, practice }: ValidSession,
  context: { readonly origin: RequestOrigin; readonly now: number; readonly reason: string },
): Promise<{ readonly ok: false }> {
  if (context.reason !== 'locked') await countAuthFailure(trx, user, context.now, context.origin);
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

/** Records the passed second factor, remembers the browser if asked, and moves the session on. */
export async function passSecondFactor(
  trx: Executor,
  { user, practice, session }: ValidSession,
  context: {
    readonly origin: RequestOrigin;
    readonly now: number;
    readonly method: SecondFactorMethod;
    readonly rememberBrowser: boolean;
  },
): Promise<SecondFactorResult> {
  const { origin, now } = context;
  await audit(trx, {
    practiceId: practice.id,
    type: 'two_factor.succeeded',
    outcome: 'success',
    actor: user,
    target: user,
    origin,
    at: now,
    details: { method: context.method },
  });
  const remembered =
    context.rememberBrowser && rememberBrowserAllowed(practice)
      ? await rememberBrowser(trx, { user, practice, origin, now })
      : undefined;
  const next = await advanceSignIn(trx, session, {
    user,
    practice,
    progress: { ...session.progress, secondFactorDone: true },
    origin,
    now,
  });
  if (!next) return { ok: false };
  return { ok: true, token: next.token, stage: next.stage, remembered };
}

function recoveryCodeUsedEmail(remaining: number) {
  const paragraphs = [
    'A recovery code was just used to sign in to your account. Each recovery code works only once.',
    remaining === 1
      ? 'You have 1 unused recovery code left.'
      : `You have ${remaining} unused recovery codes left.`,
  ];
  if (remaining < RECOVERY_CODES_WARN_BELOW)
    paragraphs.push(
      'You are running out of recovery codes. Sign in, open Profile > Security & Activity and choose Get New Recovery Codes.',
    );
  return { subject: 'A recovery code was used to sign in', paragraphs };
}
