import { deleteUserSessionByPublicId, listUserSessions } from '../../store/session-list-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { endUserSessions } from './session-revocation.js';

/**
 * A user's open sessions (S6): listed by their owner or a Practice Administrator, ended one by
 * one or all at once. Every ending records `session.revoked` in the same transaction.
 * Sessions are named by their public id; the secret-derived key never leaves the server.
 */
export interface SessionSummary {
  readonly publicId: string;
  /** The session of the browser asking. */
  readonly current: boolean;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string;
  readonly userAgent: string;
}

export async function listSessions(
  deps: ServiceDeps,
  { user, callerSessionId }: { readonly user: User; readonly callerSessionId: string },
): Promise<SessionSummary[]> {
  const sessions = await listUserSessions(deps.store.db, user.id);
  return sessions.map((session) => ({
    publicId: session.publicId,
    current: session.id === callerSessionId,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    ip: session.ip,
    userAgent: session.userAgent,
  }));
}

/** Ends one of the user's own sessions; false when they have no session with that id. */
export async function endOwnSession(
  deps: ServiceDeps,
  {
    user,
    publicId,
    origin,
  }: { readonly user: User; readonly publicId: string; readonly origin: RequestOrigin },
): Promise<boolean> {
  return deps.store.transaction(async (trx) => {
    if (!(await deleteUserSessionByPublicId(trx, user.id, publicId))) return false;
    await audit(trx, {
      practiceId: user.practiceId,
      type: 'session.revoked',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at: deps.clock.now(),
      details: { reason: 'signed_out_by_user', sessions: 1 },
    });
    return true;
  });
}

/** "Sign out all other sessions": every session of the user but the caller's. Returns how many ended. */
export async function endOtherSessions(
  deps: ServiceDeps,
  {
    user,
    callerSessionId,
    origin,
  }: { readonly user: User; readonly callerSessionId: string; readonly origin: RequestOrigin },
): Promise<number> {
  return deps.store.transaction((trx) =>
    endUserSessions(trx, {
      user,
      actor: user,
      reason: 'signed_out_by_user',
      origin,
      at: deps.clock.now(),
      exceptSessionId: callerSessionId,
    }),
  );
}

/** A Practice Administrator's "Sign out everywhere" for a user. Returns how many sessions ended. */
export async function signOutEverywhere(
  deps: ServiceDeps,
  { actor, target, origin }: { readonly actor: User; readonly target: User; readonly origin: RequestOrigin },
): Promise<number> {
  return deps.store.transaction((trx) =>
    endUserSessions(trx, {
      user: target,
      actor,
      reason: 'signed_out_everywhere',
      origin,
      at: deps.clock.now(),
    }),
  );
}
