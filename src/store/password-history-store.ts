import { randomUUID } from 'node:crypto';
import type { Executor } from './handle.js';

/** Most entries kept per user: the largest history a practice may ask for (SETTING_BOUNDS.historyCount). */
export const MAX_HISTORY_ENTRIES = 24;

/** The newest `limit` password hashes of a user, newest first. */
export async function recentPasswordHashes(db: Executor, userId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => row.password_hash);
}

/** Remembers a newly chosen password's hash and forgets entries beyond MAX_HISTORY_ENTRIES. */
export async function addPasswordHistory(
  db: Executor,
  entry: { readonly userId: string; readonly passwordHash: string; readonly at: number },
): Promise<void> {
  await db
    .insertInto('password_history')
    .values({
      id: randomUUID(),
      user_id: entry.userId,
      password_hash: entry.passwordHash,
      created_at: entry.at,
    })
    .execute();
  const kept = await db
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', entry.userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(MAX_HISTORY_ENTRIES)
    .execute();
  await db
    .deleteFrom('password_history')
    .where('user_id', '=', entry.userId)
    .where(
      'id',
      'not in',
      kept.map((row) => row.id),
    )
    .execute();
}
