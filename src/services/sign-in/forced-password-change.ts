import { advanceSignIn } from './sign-in.js';
import type { ServiceDeps } from '../context.js';
import { recordPasswordChange } from '../passwords/change-password.js';
import { checkChosenPassword, type NewPasswordProblem } from '../passwords/new-password.js';
import { endUserSessions } from '../sessions/session-revocation.js';
import type { OwnRequest } from '../sessions/sessions.js';
import type { SignInStage } from '../../domain/session-stage.js';

/**
 * The forced password change of a sign-in (stage `password_change`): after a temporary
 * password (admin reset, new user) or an expired one. A policy-valid new password replaces
 * it; any other session of the user ends; the sign-in moves on under a new session id (S2).
 */
export type ForcedChangeResult =
  | { readonly ok: true; readonly token: string; readonly stage: SignInStage }
  | { readonly ok: false; readonly problem: NewPasswordProblem | { readonly reason: 'session_gone' } };

export async function completeForcedPasswordChange(
  deps: ServiceDeps,
  { auth, origin, ...input }: OwnRequest & { readonly newPassword: string; readonly confirmPassword: string },
): Promise<ForcedChangeResult> {
  const { user, practice, session } = auth;
  const check = await checkChosenPassword(deps, { practice, user, ...input });
  if (!check.ok) return { ok: false, problem: check.problem };
  const at = deps.clock.now();
  try {
    return await deps.store.transaction(async (trx) => {
      await recordPasswordChange(trx, {
        user,
        practice,
        passwordHash: check.passwordHash,
        origin,
        at,
        forced: true,
      });
      await endUserSessions(trx, {
        user,
        actor: user,
        reason: 'password_changed',
        origin,
        at,
        exceptSessionId: session.id,
      });
      const changed = {
        ...user,
        passwordMustChange: false,
        temporaryPasswordExpiresAt: null,
        passwordChangedAt: at,
      };
      const advanced = await advanceSignIn(trx, session, {
        user: changed,
        practice,
        progress: { ...session.progress, passwordChanged: true },
        origin,
        now: at,
      });
      // Revoked meanwhile (admin reset, sign-out everywhere): roll the change back.
      if (!advanced) throw new SessionGone();
      return { ok: true as const, ...advanced };
    });
  } catch (error) {
    if (error instanceof SessionGone) return { ok: false, problem: { reason: 'session_gone' } };
    throw error;
  }
}

class SessionGone extends Error {}
