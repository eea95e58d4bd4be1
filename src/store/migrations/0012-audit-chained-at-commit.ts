import { sql, type Kysely } from 'kysely';
import { migrationOnPostgres as isPostgres } from '../dialect.js';

/**
 * PostgreSQL chains a transaction's audit events inside its COMMIT (store/audit-store.ts says
 * why): the transaction inserts each event, with the text its hash is taken over, into
 * audit_pending_events, and a deferred constraint trigger, which PostgreSQL fires during COMMIT,
 * claims the event's position in its chain head, writes it to audit_events and deletes the
 * pending row. A pending row never outlives its transaction, so the table is unlogged (no WAL)
 * and empty whenever nothing is committing. SQLite keeps claiming with statements of its own.
 *
 * The hash is the one domain/audit-event.ts hashOfText takes: SHA-256 over the event's text
 * with the seq and the quoted previous hash put in; the first event of a chain follows the
 * genesis hash of 64 zeros.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create unlogged table audit_pending_events (
      id text primary key,
      chain_id text not null,
      event jsonb not null,
      before_seq text not null,
      after_seq text not null,
      end_text text not null
    )`.execute(db);
  await sql`
    create function audit_chain_pending_event() returns trigger language plpgsql as $body$
    declare
      head audit_chains%rowtype;
    begin
      insert into audit_chains as chain (chain_id, last_seq, prev_hash, last_hash)
      values (new.chain_id, 1, repeat('0', 64), encode(sha256(convert_to(
        new.before_seq || '1' || new.after_seq || '"' || repeat('0', 64) || '"' || new.end_text, 'UTF8')), 'hex'))
      on conflict (chain_id) do update set
        last_seq = chain.last_seq + 1,
        prev_hash = chain.last_hash,
        last_hash = encode(sha256(convert_to(
          new.before_seq || (chain.last_seq + 1)::text || new.after_seq || '"' || chain.last_hash || '"' || new.end_text,
          'UTF8')), 'hex')
      returning * into head;
      insert into audit_events
      select * from jsonb_populate_record(null::audit_events, new.event
        || jsonb_build_object('seq', head.last_seq, 'prev_hash', head.prev_hash, 'hash', head.last_hash));
      delete from audit_pending_events where id = new.id;
      return null;
    end
    $body$`.execute(db);
  await sql`
    create constraint trigger audit_pending_events_chained
    after insert on audit_pending_events deferrable initially deferred
    for each row execute function audit_chain_pending_event()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop table audit_pending_events`.execute(db);
  await sql`drop function audit_chain_pending_event()`.execute(db);
}
