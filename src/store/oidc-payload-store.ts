import type { Executor } from './database.js';

/**
 * What the OpenID Connect provider persists (its Adapter interface, src/oidc/provider-adapter.ts):
 * one row per model and id, its payload as JSON, with the columns it is looked up by. Times
 * here are milliseconds like every other table; the provider's own are seconds.
 */
export interface StoredPayload {
  readonly payload: Record<string, unknown>;
  readonly consumedAt: number | null;
  readonly expiresAt: number | null;
}

export interface PayloadRow {
  readonly model: string;
  readonly id: string;
  readonly payload: Record<string, unknown>;
  readonly grantId: string | null;
  readonly userCode: string | null;
  readonly uid: string | null;
  readonly accountId: string | null;
  readonly expiresAt: number | null;
}

export async function upsertPayload(db: Executor, row: PayloadRow): Promise<void> {
  const values = {
    payload: JSON.stringify(row.payload),
    grant_id: row.grantId,
    user_code: row.userCode,
    uid: row.uid,
    account_id: row.accountId,
    expires_at: row.expiresAt,
    consumed_at: null,
  };
  await db
    .insertInto('oidc_payloads')
    .values({ model: row.model, id: row.id, ...values })
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
    .execute();
}

type Lookup = 'id' | 'uid' | 'user_code';

/**
 * The payload found by id, session uid or user code. Expired ones too: the provider checks
 * expiry itself and sometimes reads past it on purpose; the scheduled purge deletes them.
 */
export async function findPayload(
  db: Executor,
  model: string,
  by: Lookup,
  value: string,
): Promise<StoredPayload | undefined> {
  const row = await db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at', 'expires_at'])
    .where('model', '=', model)
    .where(by, '=', value)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

/**
 * Marks a code or refresh token used, only if nothing marked it before: false when another
 * request (on any instance) used it first, or it is gone. One statement, so two requests
 * carrying the same code cannot both see it unused and both go on (on PostgreSQL the second
 * UPDATE waits for the first's row lock and then finds consumed_at set).
 */
export async function consumePayload(db: Executor, model: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', model)
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function destroyPayload(db: Executor, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

/** Every token and code of a grant, whatever its model (the provider revokes a grant this way). */
export async function destroyGrantPayloads(db: Executor, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
}

/**
 * Every grant, token, code and provider session of a user: what a password reset or a
 * deactivation revokes (its refresh tokens stop working at once).
 */
export async function destroyAccountPayloads(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('account_id', '=', accountId).execute();
}
