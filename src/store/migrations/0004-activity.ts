import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Activity and sessions.
 *
 * Sessions get a public id: the primary key is the SHA-256 of the cookie token and never
 * leaves the server, so the sessions list (`GET /api/me/sessions`) names sessions by this
 * random id instead. Existing sessions get one here; new ones when they are created.
 *
 * The activity log's indexes are replaced by one per query shape, each ending in (at, seq), so
 * that a page, with or without a date range, is one backwards index range with a LIMIT
 * (see store/activity-store.ts):
 *   - a user's log, as actor / as target:        (actor_id, at, seq), (target_id, at, seq)
 *   - the practice log, unfiltered or by outcome: (chain_id, at, seq)
 *   - the practice log by type or type group:     (chain_id, type, at, seq), one range per type
 *   - chain verification, oldest first:           (chain_id, seq), 0001's unique constraint
 */
const OLD_INDEXES = [
  ['audit_events_actor', ['actor_id', 'seq']],
  ['audit_events_target', ['target_id', 'seq']],
  ['audit_events_chain_type', ['chain_id', 'type', 'seq']],
] as const;

const NEW_INDEXES = [
  ['audit_events_actor_at', ['actor_id', 'at', 'seq']],
  ['audit_events_target_at', ['target_id', 'at', 'seq']],
  ['audit_events_chain_at', ['chain_id', 'at', 'seq']],
  ['audit_events_chain_type_at', ['chain_id', 'type', 'at', 'seq']],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('public_id', 'text').execute();
  const sessions = db as unknown as Kysely<{ sessions: { id: string; public_id: string | null } }>;
  const existing = await sessions.selectFrom('sessions').select('id').execute();
  for (const { id } of existing) {
    await sessions.updateTable('sessions').set({ public_id: randomUUID() }).where('id', '=', id).execute();
  }
  await db.schema.createIndex('sessions_public_id').on('sessions').column('public_id').unique().execute();

  for (const [name] of OLD_INDEXES) await db.schema.dropIndex(name).execute();
  for (const [name, columns] of NEW_INDEXES)
    await db.schema
      .createIndex(name)
      .on('audit_events')
      .columns([...columns])
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of NEW_INDEXES) await db.schema.dropIndex(name).execute();
  for (const [name, columns] of OLD_INDEXES)
    await db.schema
      .createIndex(name)
      .on('audit_events')
      .columns([...columns])
      .execute();
  await db.schema.dropIndex('sessions_public_id').execute();
  await db.schema.alterTable('sessions').dropColumn('public_id').execute();
}
