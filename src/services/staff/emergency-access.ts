import { isLocked } from '../../domain/account-lock.js';
import { isPracticeAdmin } from '../../domain/roles.js';
import type { Practice } from '../../store/practice-store.js';
import { deleteTwoFactor, findTwoFactorStatus } from '../../store/two-factor-store.js';
import { listPracticeUsers, setPasswordHash, type User } from '../../store/user-store.js';
import { audit, detailText } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { issueTemporaryPassword } from '../passwords/new-password.js';
import { notifyUser } from '../mail/notify.js';
import { endUserSessions } from '../sessions/session-revocation.js';

/**
 * Emergency access (HIPAA 164.312(a)(2)(i); docs/admin-guide.md, "Emergency access"): when a
 * user, typically a practice's only administrator, has lost both password and second factor,
 * the operator's CLI restores access in one transaction: a temporary password (printed once,
 * expiring after the practice's lifetime), two-factor authentication and passkeys removed, the
 * lock lifted, every session and remembered browser ended, and `user.access_restored` recorded
 * with the operator's reason. The user and every other active administrator of the practice are
 * emailed in the same transaction, so nobody can restore access quietly.
 */
export const MAX_REASON_LENGTH = 500;

export type RestoreAccessResult =
  | {
      readonly ok: true;
      readonly temporaryPassword: string;
      readonly expiresAt: number;
      /** The other administrators who were emailed. */
      readonly administratorsNotified: number;
    }
  | { readonly ok: false; readonly problem: string };

export async function restoreAccess(
  deps: ServiceDeps,
  request: {
    readonly target: User;
    readonly practice: Practice;
    readonly reason: string;
    readonly origin: RequestOrigin;
  },
): Promise<RestoreAccessResult> {
  const { target, practice, origin } = request;
  const reason = request.reason.trim();
  if (reason.length < 10)
    return { ok: false, problem: 'Give the reason in a few words (at least 10 characters), for the record.' };
  if (reason.length > MAX_REASON_LENGTH)
    return { ok: false, problem: `Keep the reason under ${MAX_REASON_LENGTH} characters.` };
  if (target.status !== 'active')
    return { ok: false, problem: `${target.username} is deactivated; reactivate the account first.` };

  const issued = await issueTemporaryPassword(deps, { practice, owner: target });
  const at = deps.clock.now();
  const administratorsNotified = await deps.store.transaction(async (trx) => {
    const twoFactor = await findTwoFactorStatus(trx, target.id);
    await setPasswordHash(trx, practice.id, target.id, {
      passwordHash: issued.passwordHash,
      mustChange: true,
      temporaryExpiresAt: issued.expiresAt,
      at,
      clearFailures: true,
    });
    await deleteTwoFactor(trx, target.id);
    await endUserSessions(trx, { user: target, actor: null, reason: 'admin_password_reset', origin, at });
    await audit(trx, {
      practiceId: practice.id,
      type: 'user.access_restored',
      outcome: 'success',
      actor: null,
      target,
      origin,
      at,
      details: {
        by: 'cli',
        reason: detailText(reason, MAX_REASON_LENGTH),
        twoFactorRemoved: twoFactor.enabled || twoFactor.passkeys > 0,
        wasLocked: isLocked(target, at),
        expiresAt: new Date(issued.expiresAt).toISOString(),
      },
    });
    const what = `access to the ${practice.name} account of ${target.firstName} ${target.lastName} (user name ${target.username}) was restored by the Gatehouse operator`;
    const paragraphs = (opening: string) => [
      opening,
      'A temporary password was issued, two-factor authentication was removed, any lock was lifted and every session ended.',
      `Reason given: ${reason}`,
    ];
    await notifyUser(
      trx,
      { user: target, practice, origin, at },
      {
        subject: 'Access to your account was restored',
        paragraphs: paragraphs(`At your request, ${what}.`),
        closing:
          'Log in with the temporary password you were given, choose a new password and set up two-factor authentication again. If you did not ask for this, contact your practice right away.',
      },
    );
    const others = (await listPracticeUsers(trx, practice.id)).filter(
      (user) => user.id !== target.id && user.status === 'active' && isPracticeAdmin(user.roles),
    );
    for (const admin of others)
      await notifyUser(
        trx,
        { user: admin, practice, origin, at },
        {
          subject: 'Emergency access was used in your practice',
          paragraphs: paragraphs(`You are told because you are a Practice Administrator: ${what}.`),
          closing:
            'If nobody in your practice asked for this, treat it as a security incident: check the activity log and contact your Gatehouse operator.',
        },
      );
    return others.length;
  });
  return {
    ok: true,
    temporaryPassword: issued.temporaryPassword,
    expiresAt: issued.expiresAt,
    administratorsNotified,
  };
}
