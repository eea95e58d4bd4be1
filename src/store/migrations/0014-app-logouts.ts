import { sql, type Kysely } from 'kysely';
import { migrationOnPostgres as isPostgres } from '../dialect.js';

/**
 * Back-channel logout (docs/architecture.md "Apps signing in"): when a Gatehouse session ends,
 * every app it signed in to is told.
 * - oidc_app_sign_ins: which apps a Gatehouse session signed in to (one row per session and
 *   app), with the provider's session (uid) and the `sid` the app's ID tokens carry.
 * - oidc_logout_outbox: logout tokens still to send, delivered in the background with retry
 *   (services/apps/app-logout-delivery.ts).
 * - A trigger on sessions: whatever deletes a session (sign-out, a timeout noticed, a revocation,
 *   one-session replacement, the scheduled purge), in the same transaction its sign-ins become
 *   outbox rows and the provider's session it used is deleted, so the app gets no single sign-on
 *   from a Gatehouse session that is over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_app_sign_ins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('sid', 'text')
    .addColumn('provider_session_uid', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oidc_app_sign_ins_session_client')
    .on('oidc_app_sign_ins')
    .columns(['session_id', 'client_id'])
    .unique()
    .execute();
  await db.schema.createIndex('oidc_app_sign_ins_grant').on('oidc_app_sign_ins').column('grant_id').execute();

  await db.schema
    .createTable('oidc_logout_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex('oidc_logout_outbox_due')
    .on('oidc_logout_outbox')
    .column('next_attempt_at')
    .execute();

  // Due at once (0): the trigger has no access to the application's clock.
  const body = sql`
    insert into oidc_logout_outbox (id, practice_id, user_id, client_id, sid, attempts, next_attempt_at)
      select id, practice_id, user_id, client_id, sid, 0, 0 from oidc_app_sign_ins
      where session_id = old.id and sid is not null;
    delete from oidc_payloads where model = 'Session' and uid in (
      select provider_session_uid from oidc_app_sign_ins where session_id = old.id);
    delete from oidc_app_sign_ins where session_id = old.id;`;
  if (isPostgres(db)) {
    await sql`
      create function sessions_ended_app_logouts() returns trigger language plpgsql as $body$
      begin
        ${body}
        return null;
      end
      $body$`.execute(db);
    await sql`
      create trigger sessions_ended_app_logouts after delete on sessions
      for each row execute function sessions_ended_app_logouts()`.execute(db);
  } else {
    await sql`
      create trigger sessions_ended_app_logouts after delete on sessions
      for each row begin ${body} end`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) await sql`drop function sessions_ended_app_logouts() cascade`.execute(db);
  else await sql`drop trigger sessions_ended_app_logouts`.execute(db);
  await db.schema.dropTable('oidc_logout_outbox').execute();
  await db.schema.dropTable('oidc_app_sign_ins').execute();
}
