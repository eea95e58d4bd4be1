import { randomUUID } from 'node:crypto';
import { sql, type Expression, type QueryCreator, type RawBuilder } from 'kysely';
import {
  chainIdOf,
  GENESIS_HASH,
  hashedText,
  hashOfText,
  type AuditEvent,
  type EventType,
  type HashedText,
  type NewAuditEvent,
  type Outcome,
} from '../domain/audit-event.js';
import { noteAppendedEvent } from './committed-events.js';
import { SQLITE_SHA256_HEX, type Dialect, type Executor } from './database.js';
import { compiledOnce } from './compiled-once.js';
import { dialectOf } from './dialect.js';
import type { AuditEventRow, Database } from './schema.js';

/**
 * Appends one event to its practice's hash chain, inside the caller's transaction.
 *
 * One row update claims the chain's next position and hashes the event into it (the database
 * joins the event's text around the new seq and the previous hash, see domain hashedText): a
 * new chain starts at seq 1 after the genesis hash; an existing head's seq is bumped, its
 * last_hash moves to prev_hash and the new event's hash takes its place. That INSERT … ON
 * CONFLICT DO UPDATE takes the head's row lock as an UPDATE does: concurrent writers of one
 * practice (several instances on PostgreSQL) queue on it until commit, so each practice gets
 * one gap-free chain whose order is commit order. SQLite serialises all writers.
 * On PostgreSQL the event row is inserted by the same statement (one round trip on the
 * chain's lock); on SQLite, where a statement cannot both update and insert, by a second.
 */
export async function appendAuditEvent(trx: Executor, event: NewAuditEvent): Promise<AuditEvent> {
  const unpositioned = { ...event, id: randomUUID(), chainId: chainIdOf(event.practiceId) };
  const row = rowWithoutPosition(unpositioned);
  const text = hashedText(unpositioned);
  const position =
    dialectOf(trx) === 'postgres'
      ? (await appendOnPostgres(trx, { ...row, ...text })).rows[0]
      : await appendOnSqlite(trx, row, text);
  if (!position) throw new Error('audit chain: no position claimed');
  const stored: AuditEvent = {
    ...unpositioned,
    seq: Number(position.seq),
    prevHash: position.prev_hash,
    hash: position.hash,
  };
  // The database hashed the text; a chain that would fail verification is never written.
  if (hashOfText(text, stored.seq, stored.prevHash) !== stored.hash)
    throw new Error('audit chain: the stored hash does not match the event');
  noteAppendedEvent(trx, stored);
  return stored;
}

/** An event's row but for the columns its chain position fills in: seq, prev_hash, hash. */
type UnpositionedRow = Omit<AuditEventRow, 'seq' | 'prev_hash' | 'hash'>;

const TEXT_PIECES = ['beforeSeq', 'afterSeq', 'end'] as const satisfies ReadonlyArray<keyof HashedText>;
const UNPOSITIONED_COLUMNS = [
  'id',
  'chain_id',
  'practice_id',
  'at',
  'type',
  'outcome',
  'actor_id',
  'actor_username',
  'target_id',
  'target_username',
  'ip',
  'user_agent',
  'details',
] as const satisfies ReadonlyArray<keyof AuditEventRow>;

// Every audited write appends one event: its statements are compiled once (compiled-once.ts).
const appendOnPostgres = compiledOnce(
  [...UNPOSITIONED_COLUMNS, ...TEXT_PIECES],
  (db, { beforeSeq, afterSeq, end, ...row }: UnpositionedRow & HashedText) =>
    db
      .with('head', (head) => claimPosition(head, 'postgres', row.chain_id, { beforeSeq, afterSeq, end }))
      .insertInto('audit_events')
      .values((eb) => ({
        ...row,
        seq: eb.selectFrom('head').select('head.last_seq'),
        prev_hash: eb.selectFrom('head').select('head.prev_hash'),
        hash: eb.selectFrom('head').select('head.last_hash'),
      }))
      .returning(['seq', 'prev_hash', 'hash']),
);

const claimOnSqlite = compiledOnce(
  ['chain_id', ...TEXT_PIECES],
  (db, { chain_id, ...text }: Pick<UnpositionedRow, 'chain_id'> & HashedText) =>
    claimPosition(db, 'sqlite', chain_id, text),
);

const insertOnSqlite = compiledOnce(
  [...UNPOSITIONED_COLUMNS, 'seq', 'prev_hash', 'hash'],
  (db, row: AuditEventRow) => db.insertInto('audit_events').values(row),
);

/** SQLite cannot update and insert in one statement: the head's claim, then the event's insert. */
async function appendOnSqlite(trx: Executor, row: UnpositionedRow, text: HashedText) {
  const [head] = (await claimOnSqlite(trx, { chain_id: row.chain_id, ...text })).rows;
  if (!head) return undefined;
  const position = { seq: head.last_seq, prev_hash: head.prev_hash, hash: head.last_hash };
  await insertOnSqlite(trx, { ...row, ...position });
  return position;
}

/** The head's upsert that claims a chain's next position and hashes the event's text into it. */
function claimPosition(db: QueryCreator<Database>, dialect: Dialect, chainId: string, text: HashedText) {
  // The previous hash goes in quoted, as JSON writes a hex string.
  const hashAt = (seq: Expression<unknown>, prevHash: Expression<unknown>) =>
    sha256Hex(
      dialect,
      sql<string>`cast(${text.beforeSeq} as text) || cast(${seq} as text) || cast(${text.afterSeq} as text) || '"' || ${prevHash} || '"' || cast(${text.end} as text)`,
    );
  return (
    db
      .insertInto('audit_chains')
      .values({
        chain_id: chainId,
        last_seq: 1,
        prev_hash: GENESIS_HASH,
        last_hash: hashAt(sql`1`, sql`cast(${GENESIS_HASH} as text)`),
      })
      .onConflict((oc) =>
        oc.column('chain_id').doUpdateSet({
          last_seq: sql`audit_chains.last_seq + 1`,
          prev_hash: sql.ref('audit_chains.last_hash'),
          last_hash: hashAt(sql`audit_chains.last_seq + 1`, sql.ref('audit_chains.last_hash')),
        }),
      )
      // Never null once this statement has set it (the column is null only in older heads).
      .returning((eb) => ['last_seq', eb.ref('prev_hash').$notNull().as('prev_hash'), 'last_hash'])
  );
}

/** Hex SHA-256 of a text's UTF-8 bytes, in the database's SQL. */
function sha256Hex(dialect: Dialect, text: RawBuilder<string>): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql<string>`encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`
    : sql<string>`${sql.raw(SQLITE_SHA256_HEX)}(${text})`;
}

/** The event as its row, but for the columns its chain position fills in. */
function rowWithoutPosition(event: Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>): UnpositionedRow {
  return {
    id: event.id,
    chain_id: event.chainId,
    practice_id: event.practiceId,
    at: event.at,
    type: event.type,
    outcome: event.outcome,
    actor_id: event.actor?.id ?? null,
    actor_username: event.actor?.username ?? null,
    target_id: event.target?.id ?? null,
    target_username: event.target?.username ?? null,
    ip: event.ip,
    user_agent: event.userAgent,
    details: JSON.stringify(event.details),
  };
}

export function fromAuditRow(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    chainId: row.chain_id,
    seq: Number(row.seq),
    practiceId: row.practice_id,
    at: Number(row.at),
    type: row.type as EventType,
    outcome: row.outcome as Outcome,
    actor: row.actor_id === null ? null : { id: row.actor_id, username: row.actor_username ?? '' },
    target: row.target_id === null ? null : { id: row.target_id, username: row.target_username ?? '' },
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as AuditEvent['details'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Events where the user is actor or target, newest first. */
export async function listUserEvents(db: Executor, userId: string, limit: number): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => eb.or([eb('actor_id', '=', userId), eb('target_id', '=', userId)]))
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map(fromAuditRow);
}
