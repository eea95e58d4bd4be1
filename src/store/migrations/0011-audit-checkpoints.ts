import type { Kysely } from 'kysely';

/**
 * Signed checkpoints of the activity log (domain/audit-checkpoint.ts): one row per chain, the
 * newest checkpoint its servers wrote. No foreign key, as for the events: a checkpoint must
 * outlive a deleted chain, since that deletion is what it detects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('chain_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('mac', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
}
