import type { EventType } from '../../domain/audit-event.js';
import type { Executor } from '../../store/database.js';
import type { Practice } from '../../store/practice-store.js';
import { deleteTwoFactor, findTwoFactorStatus, type TwoFactorStatus } from '../../store/two-factor-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { confirmCurrentPassword, type CurrentPasswordRefusal } from '../passwords/current-password.js';
import { alertAdministrators, whoIs } from '../mail/admin-alerts.js';
import { notifyUser } from '../mail/notify.js';
import { endUserSessions } from '../sessions/session-revocation.js';
import type { OwnRequest, ValidSession } from '../sessions/sessions.js';
import { issueRecoveryCodes } from './two-factor-enrollment.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

/**
 * Managing two-factor authentication once it is on (F4, F5, F8):
 * - the user turns it off, or gets a new set of recovery codes: current password first;
 * - a Practice Administrator removes it for a user of their practice;
 * either way the second factor is gone, so the user's sessions end (all but the caller's own
 * when they turned it off themselves) with their remembered browsers, as for any changed
 * credential (services/sessions/session-revocation.ts); if the practice requires 2FA the user enrols
 * again at next sign-in.
 * Every change is one transaction with its event and the email to the user.
 */
export type ManageFailure = CurrentPasswordRefusal | 'not_enabled' | 'required_by_practice';

/** The signed-in user's own second factors: on or off, recovery codes left, passkeys. */
export async function findOwnTwoFactorStatus(
  deps: ServiceDeps,
  { auth: { user } }: { readonly auth: ValidSession },
): Promise<TwoFactorStatus> {
  return findTwoFactorStatus(deps.store.db, user.id);
}

export async function disableTwoFactor(
  deps: TwoFactorDeps,
  { auth, origin, currentPassword }: OwnRequest & { readonly currentPassword: string },
): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: ManageFailure }> {
  const { user, practice, session } = auth;
  const confirmed = await confirmCurrentPassword(deps, {
    auth,
    origin,
    password: currentPassword,
    failureEvent: 'two_factor.disabled',
  });
  if (!confirmed.ok) return confirmed;
  // The practice requires it: turning it off would only force a new enrolment at next sign-in.
  if (practice.settings.requireTwoFactor) return { ok: false, reason: 'required_by_practice' };
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    if (!(await findTwoFactorStatus(trx, user.id)).enabled)
      return { ok: false, reason: 'not_enabled' } as const;
    await deleteTwoFactor(trx, user.id);
    await recordChange(trx, { type: 'two_factor.disabled', actor: user, user, practice, origin, now });
    await alertAdministrators(trx, {
      kind: 'two_factor_removed',
      practice,
      actor: user,
      target: user,
      summary: `${whoIs(user)} turned off two-factor authentication on their own account.`,
      origin,
      at: now,
    });
    await endUserSessions(trx, {
      user,
      actor: user,
      reason: 'two_factor_disabled',
      origin,
      at: now,
      exceptSessionId: session.id,
    });
    await notifyUser(
      trx,
      { user, practice, origin, at: now },
      {
        subject: 'Two-factor authentication is off',
        paragraphs: [
          'Two-factor authentication was turned off for your account. Logging in now needs only your password.',
          'Your recovery codes, passkeys and remembered browsers no longer work, and you were logged out everywhere else.',
        ],
      },
    );
    return { ok: true } as const;
  });
}

export async function regenerateRecoveryCodes(
  deps: TwoFactorDeps,
  { auth, origin, currentPassword }: OwnRequest & { readonly currentPassword: string },
): Promise<
  | { readonly ok: true; readonly recoveryCodes: readonly string[] }
  | { readonly ok: false; readonly reason: ManageFailure }
> {
  const { user, practice } = auth;
  const confirmed = await confirmCurrentPassword(deps, {
    auth,
    origin,
    password: currentPassword,
    failureEvent: 'recovery_codes.regenerated',
  });
  if (!confirmed.ok) return confirmed;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    if (!(await findTwoFactorStatus(trx, user.id)).enabled)
      return { ok: false, reason: 'not_enabled' } as const;
    const recoveryCodes = await issueRecoveryCodes(trx, user.id, now);
    await recordChange(trx, { type: 'recovery_codes.regenerated', actor: user, user, practice, origin, now });
    await notifyUser(
      trx,
      { user, practice, origin, at: now },
      {
        subject: 'You have new recovery codes',
        paragraphs: [
          'A new set of recovery codes was created for your account. Your old recovery codes no longer work.',
        ],
      },
    );
    return { ok: true, recoveryCodes } as const;
  });
}

/** Staff > Name > Remove Two-Factor Authentication; false when the user had none. */
export async function removeTwoFactorByAdmin(
  deps: TwoFactorDeps,
  { auth: admin, origin, target }: OwnRequest & { readonly target: User },
): Promise<boolean> {
  const { practice } = admin;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    const status = await findTwoFactorStatus(trx, target.id);
    if (!status.enabled && status.passkeys === 0) return false;
    await deleteTwoFactor(trx, target.id);
    await recordChange(trx, {
      type: 'two_factor.removed_by_admin',
      actor: admin.user,
      user: target,
      practice,
      origin,
      now,
    });
    await alertAdministrators(trx, {
      kind: 'two_factor_removed',
      practice,
      actor: admin.user,
      target,
      summary: `${whoIs(admin.user)} removed two-factor authentication from the account of ${whoIs(target)}.`,
      origin,
      at: now,
    });
    await endUserSessions(trx, {
      user: target,
      actor: admin.user,
      reason: 'two_factor_removed',
      origin,
      at: now,
    });
    await notifyUser(
      trx,
      { user: target, practice, origin, at: now },
      {
        subject: 'Your two-factor authentication was removed',
        paragraphs: [
          `${admin.user.firstName} ${admin.user.lastName}, a Practice Administrator, removed two-factor authentication from your account and signed you out everywhere.`,
          practice.settings.requireTwoFactor
            ? 'Your practice requires two-factor authentication: you will set it up again the next time you log in.'
            : 'You can set it up again from Profile > Security & Activity.',
        ],
      },
    );
    return true;
  });
}

async function recordChange(
  trx: Executor,
  change: {
    readonly type: EventType;
    readonly actor: User;
    readonly user: User;
    readonly practice: Practice;
    readonly origin: RequestOrigin;
    readonly now: number;
  },
): Promise<void> {
  await audit(trx, {
    practiceId: change.practice.id,
    type: change.type,
    outcome: 'success',
    actor: change.actor,
    target: change.user,
    origin: change.origin,
    at: change.now,
  });
}
