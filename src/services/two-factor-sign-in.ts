import { RECOVERY_CODES_WARN_BELOW } from '../domain/recovery-codes.js';
import { audit } from './audit.js';
import { countAuthFailure } from './auth-failures.js';
import type { RequestOrigin } from './context.js';
import { notifyUser } from './notify.js';
import { rememberBrowser, rememberBrowserAllowed } from './remembered-browsers.js';
import { checkSecondFactorCode } from './second-factor-code.js';
import type { ValidSession } from './sessions.js';
import { advanceSignIn } from './sign-in.js';
import type { SignInStage } from '../domain/session-stage.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

/**
 * Sign-in, step two (stage `two_factor`): a TOTP code or a recovery code.
 *
 * - Success moves the session on under a new id (S2), records `two_factor.succeeded` (and
 *   `recovery_code.used`, with an email that says how many are left and, below 3, to make a
 *   new set), and may remember the browser.
 * - Failure (wrong, replayed or used-up code) records `two_factor.failed` and counts towards
 *   the account's lock (T3). A locked account is refused without looking at the code.
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

export async function completeSecondFactor(
  deps: TwoFactorDeps,
  auth: ValidSession,
  input: SecondFactorInput,
  origin: RequestOrigin,
): Promise<SecondFactorResult> {
  const { user, practice, session } = auth;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    const locked = user.lockedUntil !== null && user.lockedUntil > now;
    const check = locked
      ? ({ ok: false, reason: 'locked' } as const)
      : await checkSecondFactorCode(trx, deps.secretKey, user.id, input.code, now);
    const base = { practiceId: practice.id, actor: user, target: user, origin, at: now };
    if (!check.ok) {
      if (!locked) await countAuthFailure(trx, user, now);
      await audit(trx, {
        ...base,
        type: 'two_factor.failed',
        outcome: 'failure',
        details: { reason: check.reason },
      });
      return { ok: false } as const;
    }
    await audit(trx, {
      ...base,
      type: 'two_factor.succeeded',
      outcome: 'success',
      details: { method: check.method },
    });
    if (check.method === 'recovery_code') {
      await audit(trx, {
        ...base,
        type: 'recovery_code.used',
        outcome: 'success',
        details: { remaining: check.remaining },
      });
      await notifyUser(trx, { user, practice, origin, at: now }, recoveryCodeUsedEmail(check.remaining));
    }
    const remembered =
      input.rememberBrowser && rememberBrowserAllowed(practice)
        ? await rememberBrowser(trx, { user, practice, origin, now })
        : undefined;
    const next = await advanceSignIn(trx, session, {
      user,
      practice,
      progress: { ...session.progress, secondFactorDone: true },
      origin,
      now,
    });
    if (!next) return { ok: false } as const;
    return { ok: true, token: next.token, stage: next.stage, remembered } as const;
  });
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
