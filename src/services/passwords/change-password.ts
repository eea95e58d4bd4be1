import type { Executor } from '../../store/database.js';
import type { Practice } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { confirmCurrentPassword } from './current-password.js';
import { checkChosenPassword, storeChosenPassword, type NewPasswordProblem } from './new-password.js';
import { notifyUser } from '../mail/notify.js';
import { endUserSessions } from '../sessions/session-revocation.js';
import type { OwnRequest } from '../sessions/sessions.js';

/**
 * Change Your Password (P9): the current password, then a new one that meets the practice's
 * policy (and is none of the last N). The user's other sessions end unless they choose to keep
 * them; the current one stays. `password.changed` is recorded and the user is emailed (time,
 * IP, browser; never the password). The current password is confirmed like every re-authentication
 * prompt (current-password.ts): a wrong one counts as a failed attempt (T1), a locked account is refused.
 */
export interface ChangePasswordInput {
  readonly currentPassword: string;
  readonly newPassword: string;
  readonly confirmPassword: string;
  readonly signOutOtherSessions: boolean;
}

export type ChangePasswordResult =
  | { readonly ok: true; readonly otherSessionsEnded: number }
  | {
      readonly ok: false;
      readonly problem:
        | { readonly reason: 'invalid_current_password' }
        | { readonly reason: 'account_locked' }
        | NewPasswordProblem;
    };

export async function changeOwnPassword(
  deps: ServiceDeps,
  { auth, origin, ...input }: OwnRequest & ChangePasswordInput,
): Promise<ChangePasswordResult> {
  const { user, practice, session } = auth;
  const confirmed = await confirmCurrentPassword(deps, {
    auth,
    origin,
    password: input.currentPassword,
    failureEvent: 'password.changed',
  });
  if (!confirmed.ok) return { ok: false, problem: { reason: confirmed.reason } };
  const check = await checkChosenPassword(deps, { practice, user, ...input });
  if (!check.ok) return { ok: false, problem: check.problem };

  const at = deps.clock.now();
  const otherSessionsEnded = await deps.store.transaction(async (trx) => {
    await recordPasswordChange(trx, { user, practice, passwordHash: check.passwordHash, origin, at });
    if (!input.signOutOtherSessions) return 0;
    return endUserSessions(trx, {
      user,
      actor: user,
      reason: 'password_changed',
      origin,
      at,
      exceptSessionId: session.id,
    });
  });
  return { ok: true, otherSessionsEnded };
}

/** Stores a password the user chose, records `password.changed` and queues the notice. */
export async function recordPasswordChange(
  trx: Executor,
  change: {
    readonly user: User;
    readonly practice: Practice;
    readonly passwordHash: string;
    readonly origin: RequestOrigin;
    readonly at: number;
    readonly forced?: boolean;
  },
): Promise<void> {
  const { user, practice, origin, at } = change;
  await storeChosenPassword(trx, user, { passwordHash: change.passwordHash, at });
  await audit(trx, {
    practiceId: practice.id,
    type: 'password.changed',
    outcome: 'success',
    actor: user,
    target: user,
    origin,
    at,
    details: { forced: change.forced ?? false },
  });
  await notifyUser(
    trx,
    { user, practice, origin, at },
    {
      subject: 'Your password was changed',
      paragraphs: [
        `Your password was changed. This is the password of your ${practice.name} account, user name ${user.username}.`,
        'If you made this change, you do not need to do anything.',
      ],
    },
  );
}
