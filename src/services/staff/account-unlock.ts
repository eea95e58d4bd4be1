import { isLocked } from '../../domain/account-lock.js';
import { unlockAccount } from '../../store/account-lock-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';

/**
 * A Practice Administrator lifts a user's lock (T1): the lock and the failure count clear at
 * once and `account.unlocked` names the admin. The repeat-lock count stays, so an attack that
 * continues after the unlock still meets doubling locks. Unlocking an unlocked account only
 * clears its failure count and records nothing.
 */
export async function unlockUser(
  deps: ServiceDeps,
  { actor, target, origin }: { readonly actor: User; readonly target: User; readonly origin: RequestOrigin },
): Promise<{ readonly wasLocked: boolean }> {
  const now = deps.clock.now();
  const wasLocked = isLocked(target, now);
  await deps.store.transaction(async (trx) => {
    await unlockAccount(trx, target.practiceId, target.id, now);
    if (!wasLocked) return;
    await audit(trx, {
      practiceId: target.practiceId,
      type: 'account.unlocked',
      outcome: 'success',
      actor,
      target,
      origin,
      at: now,
      details: { lockedUntil: new Date(target.lockedUntil ?? now).toISOString() },
    });
  });
  return { wasLocked };
}
