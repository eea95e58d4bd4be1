import type { StageProgress, SignInStage } from '../domain/session-stage.js';
import type { Executor } from './database.js';
import type { SessionRow } from './schema.js';

export interface StoredSession {
  /** SHA-256 of the token. */
  readonly id: string;
  readonly userId: string;
  readonly practiceId: string;
  readonly stage: SignInStage;
  readonly progress: StageProgress;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string;
  readonly userAgent: string;
}

function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    practiceId: row.practice_id,
    stage: row.stage as SignInStage,
    progress: JSON.parse(row.progress) as StageProgress,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

export async function insertSession(db: Executor, session: StoredSession): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      practice_id: session.practiceId,
      stage: session.stage,
      progress: JSON.stringify(session.progress),
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute();
}

export async function findSessionById(db: Executor, id: string): Promise<StoredSession | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

export async function touchSession(db: Executor, id: string, at: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

/**
 * Moves a session to its next stage under a new id (S2: a new session id at every stage change);
 * returns false when the old id was already gone (revoked meanwhile).
 */
export async function advanceSession(
  db: Executor,
  oldId: string,
  next: {
    readonly id: string;
    readonly stage: SignInStage;
    readonly progress: StageProgress;
    readonly at: number;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ id: next.id, stage: next.stage, progress: JSON.stringify(next.progress), last_seen_at: next.at })
    .where('id', '=', oldId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteSession(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ends every session of a user, optionally keeping one (the caller's own). Returns how many ended. */
export async function deleteUserSessions(
  db: Executor,
  userId: string,
  options: { readonly exceptId?: string } = {},
): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (options.exceptId !== undefined) query = query.where('id', '!=', options.exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends a user's sign-ins still in progress (any stage before signed_in). Returns how many ended. */
export async function deleteUserPendingSessions(db: Executor, userId: string): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('stage', '!=', 'signed_in')
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
