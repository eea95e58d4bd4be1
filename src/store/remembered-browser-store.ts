import type { Executor } from './handle.js';
import type { RememberedBrowserTable } from './schema.js';

/** Browsers that may skip the second factor until they expire; the cookie's token is stored hashed. */
export interface RememberedBrowser {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number;
  readonly ip: string;
  readonly userAgent: string;
}

function toRememberedBrowser(row: Omit<RememberedBrowserTable, 'token_hash'>): RememberedBrowser {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

const PUBLIC_COLUMNS = [
  'id',
  'user_id',
  'created_at',
  'expires_at',
  'last_used_at',
  'ip',
  'user_agent',
] as const;

export async function insertRememberedBrowser(
  db: Executor,
  browser: RememberedBrowser & { readonly tokenHash: string },
): Promise<void> {
  await db
    .insertInto('remembered_browsers')
    .values({
      id: browser.id,
      user_id: browser.userId,
      token_hash: browser.tokenHash,
      created_at: browser.createdAt,
      expires_at: browser.expiresAt,
      last_used_at: browser.lastUsedAt,
      ip: browser.ip,
      user_agent: browser.userAgent,
    })
    .execute();
}

/** The user's unexpired remembered browser holding this token hash, if any. */
export async function findRememberedBrowser(
  db: Executor,
  userId: string,
  tokenHash: string,
  now: number,
): Promise<RememberedBrowser | undefined> {
  const row = await db
    .selectFrom('remembered_browsers')
    .select(PUBLIC_COLUMNS)
    .where('user_id', '=', userId)
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && toRememberedBrowser(row);
}

export async function touchRememberedBrowser(db: Executor, id: string, at: number): Promise<void> {
  await db.updateTable('remembered_browsers').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** The user's unexpired remembered browsers, newest first. */
export async function listRememberedBrowsers(
  db: Executor,
  userId: string,
  now: number,
): Promise<RememberedBrowser[]> {
  const rows = await db
    .selectFrom('remembered_browsers')
    .select(PUBLIC_COLUMNS)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toRememberedBrowser);
}

/** Forgets one of the user's remembered browsers; false when the id is not theirs. */
export async function deleteRememberedBrowser(db: Executor, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('remembered_browsers')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Forgets every remembered browser of the user (and expired rows with them); returns how many. */
export async function deleteUserRememberedBrowsers(db: Executor, userId: string): Promise<number> {
  const result = await db.deleteFrom('remembered_browsers').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
