import type { Executor } from './handle.js';

/** A forgotten-password reset token as stored: keyed by the SHA-256 of the token. */
export interface StoredResetToken {
  readonly id: string;
  readonly userId: string;
  readonly practiceId: string;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export async function insertResetToken(
  db: Executor,
  token: {
    readonly id: string;
    readonly userId: string;
    readonly practiceId: string;
    readonly at: number;
    readonly expiresAt: number;
  },
): Promise<void> {
  await db
    .insertInto('password_reset_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      practice_id: token.practiceId,
      created_at: token.at,
      expires_at: token.expiresAt,
      used_at: null,
    })
    .execute();
}

export async function findResetToken(db: Executor, id: string): Promise<StoredResetToken | undefined> {
  const row = await db
    .selectFrom('password_reset_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      userId: row.user_id,
      practiceId: row.practice_id,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
    }
  );
}

/**
 * Marks a token used, only if it still was unused: of two requests racing with one token,
 * exactly one gets true.
 */
export async function consumeResetToken(db: Executor, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('password_reset_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Ends every reset token of a user, used or not: a link issued before a password change, an
 * admin reset or another completed reset must not work after it (setPasswordHash calls this).
 */
export async function endResetTokens(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('password_reset_tokens').where('user_id', '=', userId).execute();
}
