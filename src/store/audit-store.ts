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
import { EXPORTED_EVENT_COLUMNS } from '../domain/event-columns.js';
import { queuedEventsOf } from './committed-events.js';
import type { Dialect, Executor } from './handle.js';
import { compiledOnce } from './compiled-once.js';
import { dialectOf } from './dialect.js';
import { SQLITE_SHA256_HEX } from './sqlite-sha256.js';
import type { AuditEventRow, Database } from './schema.js';

/**
 * Audit events in their practices' hash chains.
 *
 * Each practice has one gap-free chain (seq 1, 2, …; each event's hash covers the previous
 * one) whose head row in audit_chains holds its last seq and hash. Claiming the chain's next
 * position locks that row until COMMIT: with several instances on PostgreSQL, that lock is
 * what keeps the chain gap-free and its order commit order. SQLite serialises all writers.
 *
 * Where the claim happens decides how long a practice's writers wait for one another. Claimed
 * where a service records its event, the head stayed locked through the rest of the write
 * (session revocation, the mail notice, their round trips) while the practice's other writers
 * queued on it holding pool connections, until statement timeouts and a dry pool: a big
 * practice's busy morning. So appendAuditEvent only queues the event on its transaction
 * (committed-events.ts), and writeAuditEvents claims positions and writes the events as the
 * transaction's very last statements, directly before COMMIT: a practice's head is locked for
 * one round trip per event of the transaction (usually one) plus the COMMIT. Chosen over
 * chaining committed events later by a sealer because nothing changes for readers or for
 * crash safety: an event is in its chain, or nowhere, the moment its write commits, inside the
 * write's one transaction, with no background process to coordinate between instances.
 *
 * A transaction whose events fall into several chains (a practice's and the no-practice chain)
 * claims them in chain id order and locks nothing after them, so two transactions never wait
 * for each other's heads in opposite orders: no deadlock.
 *
 * One row update claims a position and hashes the event into it (the database joins the
 * event's text around the new seq and the previous hash, see domain hashedText): a new chain
 * starts at seq 1 after the genesis hash; an existing head's seq is bumped, its last_hash moves
 * to prev_hash and the new event's hash takes its place. On PostgreSQL the event row is
 * inserted by the same statement; on SQLite, where a statement cannot both update and insert,
 * by a second.
 */
export function appendAuditEvent(trx: Executor, event: NewAuditEvent): void {
  queuedEventsOf(trx).push(event);
}

/** A transaction's queued events written into their chains (see above); returns them as stored, in the order given. */
export async function writeAuditEvents(
  trx: Executor,
  events: readonly NewAuditEvent[],
): Promise<AuditEvent[]> {
  const inChainOrder = events
    .map((event, index) => ({
      event: { ...event, id: randomUUID(), chainId: chainIdOf(event.practiceId) },
      index,
    }))
    .sort((a, b) => (a.event.chainId < b.event.chainId ? -1 : a.event.chainId > b.event.chainId ? 1 : 0));
  const stored: AuditEvent[] = [];
  for (const { event, index } of inChainOrder) stored[index] = await appendToChain(trx, event);
  return stored;
}

/** Claims the event's chain position and writes it there. */
async function appendToChain(trx: Executor, unpositioned: UnpositionedEvent): Promise<AuditEvent> {
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
  return stored;
}

/** An event with its id and chain, before its chain position is claimed. */
type UnpositionedEvent = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;

/** An event's row but for the columns its chain position fills in: seq, prev_hash, hash. */
type UnpositionedRow = Omit<AuditEventRow, 'seq' | 'prev_hash' | 'hash'>;

const TEXT_PIECES = ['beforeSeq', 'afterSeq', 'end'] as const satisfies ReadonlyArray<keyof HashedText>;
const UNPOSITIONED_COLUMNS = [
  ...EXPORTED_EVENT_COLUMNS,
  'chain_id',
  'practice_id',
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
function rowWithoutPosition(event: UnpositionedEvent): UnpositionedRow {
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
