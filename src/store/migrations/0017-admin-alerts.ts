import type { Kysely } from 'kysely';

/**
 * Alerts to a practice's administrators (services/mail/admin-alerts.ts):
 * - admin_alerts: the alerts waiting for the practice's next daily digest (its setting is the
 *   digest, or its hour's immediate emails were used up); the digest deletes those it carries.
 * - admin_alert_digests: one row per practice and local date a digest went out; inserting it
 *   is how one instance, and only one, claims that day's digest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('practice_id', 'text', (c) => c.notNull().references('practices.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('admin_alerts_practice')
    .on('admin_alerts')
    .columns(['practice_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('admin_alert_digests')
    .addColumn('practice_id', 'text', (c) => c.notNull().references('practices.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('alerts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('admin_alert_digests_pk', ['practice_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_alert_digests').execute();
  await db.schema.dropTable('admin_alerts').execute();
}
