import type { Practice } from '../../store/practice-store.js';
import { setPasswordHash, type User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { issueTemporaryPassword } from './new-password.js';
import { notifyUser } from '../mail/notify.js';
import { endUserSessions } from '../sessions/session-revocation.js';

/**
 * Admin Reset Password (R6): a temporary password from a CSPRNG that meets the practice's
 * policy, shown once to the administrator (or printed once by the CLI), expiring after the
 * practice's lifetime (default 72 h). Only its hash is stored; it is in no event, log or
 * email. Every session of the user ends (S5); `password.admin_reset` names both the
 * administrator (null for the CLI) and the user, who is emailed that it happened.
 */
export interface AdminResetResult {
  readonly temporaryPassword: string;
  readonly expiresAt: number;
}

export async function adminResetPassword(
  deps: ServiceDeps,
  request: {
    readonly actor: User | null;
    readonly target: User;
    readonly practice: Practice;
    readonly origin: RequestOrigin;
  },
): Promise<AdminResetResult> {
  const { actor, target, practice, origin } = request;
  const issued = await issueTemporaryPassword(deps, { practice, owner: target });
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    await setPasswordHash(trx, target.practiceId, target.id, {
      passwordHash: issued.passwordHash,
      mustChange: true,
      temporaryExpiresAt: issued.expiresAt,
      at,
    });
    // Remembered browsers end too: the old password may be known to someone else.
    await endUserSessions(trx, { user: target, actor, reason: 'admin_password_reset', origin, at });
    await audit(trx, {
      practiceId: practice.id,
      type: 'password.admin_reset',
      outcome: 'success',
      actor,
      target,
      origin,
      at,
      details: { by: actor ? 'practice_admin' : 'cli', expiresAt: new Date(issued.expiresAt).toISOString() },
    });
    await notifyUser(
      trx,
      { user: target, practice, origin, at },
      {
        subject: 'Your password was reset',
        paragraphs: [
          `${actor ? `${actor.firstName} ${actor.lastName}, a Practice Administrator,` : 'A Practice Administrator'} reset the password of your ${practice.name} account (user name ${target.username}).`,
          'You were logged out everywhere. Use the temporary password your administrator gives you; you will choose a new password when you log in.',
        ],
      },
    );
  });
  return { temporaryPassword: issued.temporaryPassword, expiresAt: issued.expiresAt };
}
