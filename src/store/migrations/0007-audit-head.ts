import type { Kysely } from 'kysely';

/**
 * The chain head keeps the hash before its last one too: the statement that claims a chain's
 * next position moves last_hash to prev_hash and hashes the new event in the same row update,
 * and returns both (store/audit-store.ts). Only that statement reads it; heads written before
 * this migration start with none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_chains').addColumn('prev_hash', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_chains').dropColumn('prev_hash').execute();
}
