import type { EventType } from '../../domain/audit-event.js';
import { findPasswordHash } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import { claimAttempt, countFailure, returnAttempt } from '../sign-in/auth-failures.js';
import type { ServiceDeps } from '../context.js';
import type { OwnRequest } from '../sessions/sessions.js';

/**
 * Fresh proof before a security change (F4, A 7.5.1): the signed-in user's current password.
 * Every "enter your current password" prompt asks it here, so each is a failed attempt like a
 * wrong sign-in password (T1): the attempt claims its place in the account's count before the
 * check (auth-failures.ts), a wrong password keeps it and may lock the account, and a locked
 * account is refused unchecked. A refusal is recorded as the prompt's own event (`failureEvent`,
 * outcome failure, with the reason); the routes are also rate-limited (RATE_LIMITS.reauthenticate).
 */
export type CurrentPasswordRefusal = 'invalid_current_password' | 'account_locked';

export type CurrentPasswordCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: CurrentPasswordRefusal };

export async function confirmCurrentPassword(
  deps: ServiceDeps,
  {
    auth,
    origin,
    password,
    failureEvent,
  }: OwnRequest & { readonly password: string; readonly failureEvent: EventType },
): Promise<CurrentPasswordCheck> {
  const { user, practice } = auth;
  const place = await claimAttempt(deps.store.db, auth, deps.clock.now());
  const storedHash = place && (await findPasswordHash(deps.store.db, user.practiceId, user.id));
  const passwordOk = storedHash !== undefined && (await deps.hasher.verify(storedHash, password));
  const now = deps.clock.now();
  return deps.store.transaction(async (trx): Promise<CurrentPasswordCheck> => {
    let reason: CurrentPasswordRefusal = 'account_locked';
    if (place && !passwordOk) {
      await countFailure(trx, place, origin);
      reason = 'invalid_current_password';
    } else if (place && (await returnAttempt(trx, place, now)) === undefined) {
      return { ok: true };
    }
    await audit(trx, {
      practiceId: practice.id,
      type: failureEvent,
      outcome: 'failure',
      actor: user,
      target: user,
      origin: origin,
      at: now,
      details: { reason },
    });
    return { ok: false, reason };
  });
}
