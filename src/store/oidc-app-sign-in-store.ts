import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Executor } from './handle.js';
import type { OidcLogoutOutboxTable } from './schema.js';

/**
 * Which apps a Gatehouse session signed in to, and the back-channel logouts owed to them once
 * it ended. A session's sign-ins become outbox rows when the session row is deleted, by a
 * trigger in the deleting transaction (migrations/0014-app-logouts.ts), so no way of ending a
 * session can forget them.
 */
export type QueuedLogout = Selectable<OidcLogoutOutboxTable>;

/**
 * Records that a Gatehouse session signed in to an app through a grant; a later sign-in of the
 * same session to the same app replaces it (one logout per app and session).
 */
export async function insertAppSignIn(
  db: Executor,
  row: {
    readonly sessionId: string;
    readonly practiceId: string;
    readonly userId: string;
    readonly clientId: string;
    readonly grantId: string;
    readonly at: number;
  },
): Promise<void> {
  const grant = { grant_id: row.grantId, sid: null, provider_session_uid: null, created_at: row.at };
  await db
    .insertInto('oidc_app_sign_ins')
    .values({
      id: randomUUID(),
      session_id: row.sessionId,
      practice_id: row.practiceId,
      user_id: row.userId,
      client_id: row.clientId,
      ...grant,
    })
    .onConflict((oc) => oc.columns(['session_id', 'client_id']).doUpdateSet(grant))
    .execute();
}

/** The provider's session and `sid` of the sign-in that the grant finished. */
export async function bindAppSignIn(
  db: Executor,
  grantId: string,
  provider: { readonly sid: string; readonly sessionUid: string },
): Promise<void> {
  await db
    .updateTable('oidc_app_sign_ins')
    .set({ sid: provider.sid, provider_session_uid: provider.sessionUid })
    .where('grant_id', '=', grantId)
    .execute();
}

/** Whether the provider's session was bound, by a sign-in, to this Gatehouse session. */
export async function providerSessionBound(
  db: Executor,
  providerSessionUid: string,
  sessionId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('oidc_app_sign_ins')
    .select('id')
    .where('session_id', '=', sessionId)
    .where('provider_session_uid', '=', providerSessionUid)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Claims due logouts by pushing their next attempt past a lease, so another instance polling
 * at the same time skips them, and one that dies mid-send leaves them for when the lease ends
 * (the mail outbox's way, store/mail-store.ts).
 */
export async function claimDueLogouts(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<QueuedLogout[]> {
  const due = await db
    .selectFrom('oidc_logout_outbox')
    .selectAll()
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const claimed: QueuedLogout[] = [];
  for (const logout of due) {
    const result = await db
      .updateTable('oidc_logout_outbox')
      .set({ next_attempt_at: now + leaseMs })
      .where('id', '=', logout.id)
      .where('next_attempt_at', '=', logout.next_attempt_at)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) claimed.push(logout);
  }
  return claimed;
}

/** A logout done with: sent, given up, or owed to an app that is gone. */
export async function deleteLogout(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('oidc_logout_outbox').where('id', '=', id).execute();
}

export async function markLogoutFailed(
  db: Executor,
  id: string,
  failure: { readonly attempts: number; readonly retryAt: number; readonly error: string },
): Promise<void> {
  await db
    .updateTable('oidc_logout_outbox')
    .set({
      attempts: failure.attempts,
      next_attempt_at: failure.retryAt,
      last_error: failure.error.slice(0, 500),
    })
    .where('id', '=', id)
    .execute();
}
