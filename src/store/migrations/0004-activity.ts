import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Activity and sessions.
 *
 * Sessions get a public id: the primary key is the SHA-256 of the cookie token and never
 * leaves the server, so the sessions list (`GET /api/me/sessions`) names sessions by this
 * random id instead. Existing sessions get one here; new ones when they are created.
 *
 * The activity log needs no new index: 0001 already holds one per query shape, each walked
 * newest first by seq with a LIMIT (see store/activity-store.ts):
 *   - a user's log, as actor / as target:        (actor_id, seq), (target_id, seq)
 *   - the practice log, unfiltered or by outcome: (chain_id, seq) (the unique constraint)
 *   - the practice log by type or type group:     (chain_id, type, seq), one range per type
 *   - chain verification, oldest first:           (chain_id, seq)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('public_id', 'text').execute();
  const sessions = db as unknown as Kysely<{ sessions: { id: string; public_id: string | null } }>;
  const existing = await sessions.selectFrom('sessions').select('id').execute();
  for (const { id } of existing) {
    await sessions.updateTable('sessions').set({ public_id: randomUUID() }).where('id', '=', id).execute();
  }
  await db.schema.createIndex('sessions_public_id').on('sessions').column('public_id').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_public_id').execute();
  await db.schema.alterTable('sessions').dropColumn('public_id').execute();
}
