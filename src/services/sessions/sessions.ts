import { hashToken } from '../../domain/secret-token.js';
import {
  deleteSession,
  findSessionWithAccount,
  touchSession,
  type SessionWithAccount,
} from '../../store/session-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';

/**
 * Session validation, run on every request that carries a session cookie.
 *
 * - The cookie holds a 256-bit token; the store keys sessions by its SHA-256.
 * - Idle timeout (practice setting, default 30 min) and absolute timeout (default 12 h) are
 *   checked here, on the server; an expired session is deleted and `session.expired` recorded.
 * - last_seen_at is written at most once a minute, so a busy user does not turn every read
 *   into a write; idle expiry is therefore exact to within that minute.
 * - Nothing is cached: a revocation on one instance is seen by the next request on any other.
 */
export const TOUCH_INTERVAL_MS = 60_000;

/** A session found live: not expired, its user active. */
export type ValidSession = SessionWithAccount;

/**
 * The services' calling convention for a signed-in caller: `(deps, { auth, origin, ...fields })`,
 * who asks and from where, with the request's own fields beside them.
 */
export interface OwnRequest {
  readonly auth: ValidSession;
  readonly origin: RequestOrigin;
}

export type SessionCheck =
  | { readonly status: 'valid'; readonly value: ValidSession }
  | { readonly status: 'expired' }
  | { readonly status: 'none' };

export async function validateSession(
  deps: ServiceDeps,
  { token, origin }: { readonly token: string; readonly origin: RequestOrigin },
): Promise<SessionCheck> {
  const { store, clock } = deps;
  const found = await findSessionWithAccount(store, hashToken(token));
  // A deactivated user's sessions are ended when deactivated; this guards the gap.
  if (!found || found.user.status !== 'active') return { status: 'none' };
  const { session, user, practice } = found;

  const now = clock.now();
  const { idleTimeoutMinutes, absoluteTimeoutHours } = practice.settings;
  const idle = now - session.lastSeenAt > idleTimeoutMinutes * 60_000;
  const tooOld = now - session.createdAt > absoluteTimeoutHours * 3_600_000;
  if (idle || tooOld) {
    await store.transaction(async (trx) => {
      if (!(await deleteSession(trx, session.id))) return;
      await audit(trx, {
        practiceId: practice.id,
        type: 'session.expired',
        outcome: 'success',
        actor: null,
        target: user,
        origin,
        at: now,
        details: { reason: idle ? 'idle_timeout' : 'absolute_timeout' },
      });
    });
    return { status: 'expired' };
  }
  if (now - session.lastSeenAt < TOUCH_INTERVAL_MS)
    return { status: 'valid', value: { session, user, practice } };
  await touchSession(store.db, session.id, now);
  return { status: 'valid', value: { session: { ...session, lastSeenAt: now }, user, practice } };
}

/** When a session ends unless used again (idle), and at the latest (absolute). */
export function sessionDeadlines(current: ValidSession): {
  readonly idle: number;
  readonly absolute: number;
} {
  const { idleTimeoutMinutes, absoluteTimeoutHours } = current.practice.settings;
  const absolute = current.session.createdAt + absoluteTimeoutHours * 3_600_000;
  return { idle: Math.min(current.session.lastSeenAt + idleTimeoutMinutes * 60_000, absolute), absolute };
}

/** "Stay signed in": marks the session used now, whatever the touch interval; returns it renewed. */
export async function keepSessionAlive(
  deps: ServiceDeps,
  { auth }: { readonly auth: ValidSession },
): Promise<ValidSession> {
  const now = deps.clock.now();
  await touchSession(deps.store.db, auth.session.id, now);
  return { ...auth, session: { ...auth.session, lastSeenAt: now } };
}

/** Ends the caller's session; a second logout with the same cookie finds nothing and records nothing. */
export async function logout(deps: ServiceDeps, { auth, origin }: OwnRequest): Promise<void> {
  const { store, clock } = deps;
  await store.transaction(async (trx) => {
    if (!(await deleteSession(trx, auth.session.id))) return;
    await audit(trx, {
      practiceId: auth.practice.id,
      type: 'logout',
      outcome: 'success',
      actor: auth.user,
      target: auth.user,
      origin,
      at: clock.now(),
    });
  });
}
