import type { Executor } from './handle.js';

/**
 * A user's sessions as the sessions list shows them (S6). `id` is the secret-derived key,
 * used only to recognise the caller's own session; `publicId` is what leaves the server.
 */
export interface SessionListing {
  readonly id: string;
  readonly publicId: string;
  readonly stage: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string;
  readonly userAgent: string;
}

/** A user's sessions, most recently active first. */
export async function listUserSessions(db: Executor, userId: string): Promise<SessionListing[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'public_id', 'stage', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('last_seen_at', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    publicId: row.public_id,
    stage: row.stage,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    ip: row.ip,
    userAgent: row.user_agent,
  }));
}

/** Deletes one session of this user named by its public id; false when the user has no such session. */
export async function deleteUserSessionByPublicId(
  db: Executor,
  userId: string,
  publicId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('public_id', '=', publicId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** How many sessions a user has open (any stage). */
export async function countUserSessions(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
