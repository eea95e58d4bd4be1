import { sql, type Kysely } from 'kysely';
import { migrationOnPostgres as isPostgres } from '../dialect.js';

/**
 * oidc_payloads.account_id: the user a provider object belongs to (its payload's accountId:
 * sessions, grants, codes, tokens), so that a password reset, an admin reset or a deactivation
 * deletes the user's grants and tokens in its own transaction (store/oidc-payload-store.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oidc_payloads').addColumn('account_id', 'text').execute();
  await db.schema.createIndex('oidc_payloads_account').on('oidc_payloads').column('account_id').execute();
  const accountId = isPostgres(db)
    ? sql`payload::json ->> 'accountId'`
    : sql`json_extract(payload, '$.accountId')`;
  await sql`update oidc_payloads set account_id = ${accountId}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oidc_payloads_account').execute();
  await db.schema.alterTable('oidc_payloads').dropColumn('account_id').execute();
}
