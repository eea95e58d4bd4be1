import { generateToken, hashToken } from '../../domain/secret-token.js';
import { findPracticeById } from '../../store/practice-store.js';
import { consumeResetToken, findResetToken, insertResetToken } from '../../store/reset-token-store.js';
import { findActiveUsersByEmail, findUserById, findUserByName } from '../../store/user-store.js';
import { audit, detailText } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { checkChosenPassword, storeChosenPassword, type NewPasswordProblem } from './new-password.js';
import { notifyUser } from '../mail/notify.js';
import { endUserSessions } from '../sessions/session-revocation.js';

/**
 * Forgotten password and forgotten practice code (R1–R5, T5).
 *
 * - A request answers the same whether or not the account exists: the route says 202 before
 *   any of this runs (queued, http/auth/password-routes.ts), so timing does not tell them
 *   apart. Requesting changes nothing on the account; a locked account may still reset.
 * - Token: 256 random bits, only its SHA-256 stored, bound to one user, single use, valid
 *   RESET_TOKEN_MINUTES, and ended by any change of the password (setPasswordHash). The link is built from the configured public origin (never the Host
 *   header) with the token in the URL fragment (#token=…), which browsers never send to servers.
 * - Completing a reset sets a policy-valid password, ends every session, clears a lock, sends a
 *   notice, and does not sign in (2FA still applies at the next sign-in).
 *
 *   request --email--> link (60 min) --new password--> password set, sessions ended, notice
 */
export const RESET_TOKEN_MINUTES = 60;

export async function requestPasswordReset(
  deps: ServiceDeps,
  {
    origin,
    publicOrigin,
    ...input
  }: {
    readonly practiceCode: string;
    readonly username: string;
    readonly origin: RequestOrigin;
    readonly publicOrigin: string;
  },
): Promise<void> {
  const named = await findUserByName(deps.store.db, input.practiceCode, input.username);
  const practice = named?.practice;
  const user = named?.user?.status === 'active' ? named.user : undefined;
  const token = generateToken();
  const at = deps.clock.now();
  const expiresAt = at + RESET_TOKEN_MINUTES * 60_000;
  await deps.store.transaction(async (trx) => {
    if (!practice || !user) {
      await audit(trx, {
        practiceId: practice?.id ?? null,
        type: 'password.reset_requested',
        outcome: 'failure',
        actor: null,
        target: named?.user ?? null,
        origin,
        at,
        details: {
          reason: !practice ? 'unknown_practice' : named?.user ? 'deactivated' : 'unknown_user',
          practiceCode: detailText(input.practiceCode),
          username: detailText(input.username),
        },
      });
      return;
    }
    await insertResetToken(trx, {
      id: hashToken(token),
      userId: user.id,
      practiceId: practice.id,
      at,
      expiresAt,
    });
    await audit(trx, {
      practiceId: practice.id,
      type: 'password.reset_requested',
      outcome: 'success',
      actor: null,
      target: user,
      origin,
      at,
    });
    await notifyUser(
      trx,
      { user, practice, origin, at },
      {
        subject: 'Reset your password',
        paragraphs: [
          `Someone asked to reset the password of your ${practice.name} account (user name ${user.username}).`,
          `To choose a new password, open the link below. It works once, for ${RESET_TOKEN_MINUTES} minutes.`,
        ],
        action: { label: 'Choose a new password', url: `${publicOrigin}/reset-password#token=${token}` },
        closing: 'If you did not ask for this, ignore this email: your password stays as it is.',
      },
    );
  });
}

export type ResetPasswordResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: { readonly reason: 'invalid_token' } | NewPasswordProblem };

export async function resetPasswordWithToken(
  deps: ServiceDeps,
  {
    origin,
    ...input
  }: {
    readonly token: string;
    readonly newPassword: string;
    readonly confirmPassword: string;
    readonly origin: RequestOrigin;
  },
): Promise<ResetPasswordResult> {
  const invalid = { ok: false, problem: { reason: 'invalid_token' } } as const;
  const stored = await findResetToken(deps.store.db, hashToken(input.token));
  if (!stored || stored.usedAt !== null || stored.expiresAt <= deps.clock.now()) return invalid;
  const [user, practice] = await Promise.all([
    findUserById(deps.store.db, stored.practiceId, stored.userId),
    findPracticeById(deps.store.db, stored.practiceId),
  ]);
  if (!user || !practice || user.status !== 'active') return invalid;
  const check = await checkChosenPassword(deps, { practice, user, ...input });
  if (!check.ok) return { ok: false, problem: check.problem };

  const at = deps.clock.now();
  const done = await deps.store.transaction(async (trx) => {
    // Two requests racing with one token: only the first to mark it used goes on.
    if (!(await consumeResetToken(trx, stored.id, at))) return false;
    await storeChosenPassword(trx, user, { passwordHash: check.passwordHash, at, clearFailures: true });
    // Remembered browsers end too: the old password may be known to someone else.
    await endUserSessions(trx, { user, actor: null, reason: 'password_reset', origin, at });
    await audit(trx, {
      practiceId: practice.id,
      type: 'password.reset_completed',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at,
    });
    await notifyUser(
      trx,
      { user, practice, origin, at },
      {
        subject: 'Your password was reset',
        paragraphs: [
          `The password of your ${practice.name} account (user name ${user.username}) was reset with a link sent to this address.`,
          'You were logged out everywhere. Log in with your new password.',
        ],
      },
    );
    return true;
  });
  return done ? { ok: true } : invalid;
}

/** Emails every practice code of active accounts with this address; says nothing to the caller. */
export async function requestPracticeCodeReminder(
  deps: ServiceDeps,
  {
    origin,
    publicOrigin,
    ...input
  }: { readonly email: string; readonly origin: RequestOrigin; readonly publicOrigin: string },
): Promise<void> {
  const users = await findActiveUsersByEmail(deps.store.db, input.email);
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    if (users.length === 0) {
      await audit(trx, {
        practiceId: null,
        type: 'practice_code.reminder_requested',
        outcome: 'failure',
        actor: null,
        origin,
        at,
        details: { reason: 'unknown_email', email: detailText(input.email) },
      });
      return;
    }
    for (const user of users) {
      const practice = await findPracticeById(trx, user.practiceId);
      if (!practice) continue;
      await audit(trx, {
        practiceId: practice.id,
        type: 'practice_code.reminder_requested',
        outcome: 'success',
        actor: null,
        target: user,
        origin,
        at,
      });
      await notifyUser(
        trx,
        { user, practice, origin, at },
        {
          subject: 'Your practice code',
          paragraphs: [
            `Someone asked for the practice code of the account with this email address.`,
            `Practice: ${practice.name}. Practice code: ${practice.code}. User name: ${user.username}.`,
          ],
          action: { label: 'Log in', url: `${publicOrigin}/login` },
          closing: 'If you did not ask for this, you can ignore this email.',
        },
      );
    }
  });
}
