import { findTwoFactorStatus } from '../store/two-factor-store.js';
import type { SettingsGuard } from './settings.js';

/**
 * Settings > Security > "Require two-factor authentication for all practice users" may be
 * turned on only by an administrator who has it, so the practice cannot lock its own
 * administrators into an enrolment they have never tried.
 */
export const requireTwoFactorGuard: SettingsGuard = async (deps, { actor, before, after }) => {
  if (!after.requireTwoFactor || before.requireTwoFactor) return undefined;
  const { enabled } = await findTwoFactorStatus(deps.store.db, actor.id);
  return enabled
    ? undefined
    : 'Set up two-factor authentication for your own account (Profile > Security & Activity) before requiring it for all practice users.';
};
