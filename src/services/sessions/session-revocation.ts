import type { Executor } from '../../store/database.js';
import { destroyAccountPayloads } from '../../store/oidc-payload-store.js';
import { deleteUserSessions } from '../../store/session-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin } from '../context.js';
import { forgetRememberedBrowsers } from '../two-factor/remembered-browsers.js';

/**
 * The one side effect that ends a user's sessions, shared by every flow that must (S5):
 * password change and reset, admin reset, deactivation, 2FA removal, "sign out everywhere".
 * Records `session.revoked` with the reason and how many ended, when any did.
 *
 * When a credential changed (the password, or the second factor went away), the user's
 * remembered browsers end with the sessions, the caller's own included: the password may be
 * known to someone else, so a browser remembered before must pass the second factor again.
 *
 * Every ended session's apps are sent a back-channel logout (the session row's deletion queues
 * them, store/oidc-app-sign-in-store.ts). A password reset, an admin reset and a deactivation also
 * revoke what the apps hold: the user's grants with their refresh and access tokens.
 */
export type RevocationReason =
  | 'password_changed'
  | 'password_reset'
  | 'admin_password_reset'
  | 'user_deactivated'
  | 'two_factor_removed'
  | 'two_factor_disabled'
  | 'signed_out_everywhere'
  | 'signed_out_by_user'
  | 'single_session';

const APP_GRANTS_REVOKED: ReadonlySet<RevocationReason> = new Set<RevocationReason>([
  'password_reset',
  'admin_password_reset',
  'user_deactivated',
]);

const CREDENTIAL_CHANGES: ReadonlySet<RevocationReason> = new Set<RevocationReason>([
  'password_changed',
  'password_reset',
  'admin_password_reset',
  'two_factor_removed',
  'two_factor_disabled',
]);

export async function endUserSessions(
  trx: Executor,
  context: {
    readonly user: User;
    readonly actor: User | null;
    readonly reason: RevocationReason;
    readonly origin: RequestOrigin;
    readonly at: number;
    /** The caller's own session, kept (e.g. Change Your Password keeps the current browser). */
    readonly exceptSessionId?: string;
  },
): Promise<number> {
  const ended = await deleteUserSessions(
    trx,
    context.user.id,
    context.exceptSessionId === undefined ? {} : { exceptId: context.exceptSessionId },
  );
  if (ended > 0) {
    await audit(trx, {
      practiceId: context.user.practiceId,
      type: 'session.revoked',
      outcome: 'success',
      actor: context.actor,
      target: context.user,
      origin: context.origin,
      at: context.at,
      details: { reason: context.reason, sessions: ended },
    });
  }
  if (CREDENTIAL_CHANGES.has(context.reason)) await forgetRememberedBrowsers(trx, context);
  if (APP_GRANTS_REVOKED.has(context.reason)) await destroyAccountPayloads(trx, context.user.id);
  return ended;
}
