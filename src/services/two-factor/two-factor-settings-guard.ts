import type { SecuritySettings } from '../../domain/security-settings.js';
import { findTwoFactorStatus } from '../../store/two-factor-store.js';
import type { User } from '../../store/user-store.js';
import type { ServiceDeps } from '../context.js';

/**
 * Settings > Security > "Require two-factor authentication for all practice users" may be
 * turned on only by an administrator who has it, so the practice cannot lock its own
 * administrators into an enrolment they have never tried.
 */
export async function requireTwoFactorGuard(
  deps: ServiceDeps,
  {
    actor,
    before,
    after,
  }: { readonly actor: User; readonly before: SecuritySettings; readonly after: SecuritySettings },
): Promise<string | undefined> {
  if (!after.requireTwoFactor || before.requireTwoFactor) return undefined;
  const { enabled } = await findTwoFactorStatus(deps.store.db, actor.id);
  return enabled
    ? undefined
    : 'Set up two-factor authentication for your own account (Profile > Security & Activity) before requiring it for all practice users.';
}
