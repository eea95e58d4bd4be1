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
import type { Executor } from './handle.js';
import { compiledOnce } from './compiled-once.js';
import { dialectOf } from './dialect.js';
import { SQLITE_SHA256_HEX } from './sqlite-sha256.js';
import type { AuditEventRow, AuditPendingEventRow, Database } from './schema.js';

/**
 * Audit events in their practices' hash chains.
 *
 * Each practice has one gap-free chain (seq 1, 2, …; each event's hash covers the previous
 * one) whose head row in audit_chains holds its last seq and hash. Claiming the chain's next
 * position locks that row until the transaction ends: with several instances on PostgreSQL,
 * that lock is what keeps the chain gap-free and its order commit order. How long the lock is
 * held is how long a practice's writers wait for one another, so the claim comes as late as it
 * can: appendAuditEvent only queues the event on its transaction (committed-events.ts), and
 * writeAuditEvents writes the queue when the transaction's own work is done.
 *
 * PostgreSQL: chained inside COMMIT. writeAuditEvents inserts each event, unchained and without
 * any lock, into audit_pending_events; a deferred constraint trigger, which PostgreSQL fires as
 * part of COMMIT, claims the position, writes the event into audit_events and deletes the
 * pending row (migrations/0012-audit-chained-at-commit.ts). The head is locked from the claim to
 * the end of the COMMIT, all on the server: no round trip to the client lies inside the lock.
 * Claiming in a statement of the client's, even the very last before COMMIT, held the head until
 * the server's event loop sent COMMIT; in one practice's burst on a busy host that was seconds
 * (bench/README.md, "Why PostgreSQL still answered 503"), and the practice's other writers, each
 * holding a pool connection while they waited, timed out: 503s. A wait for the head inside
 * COMMIT is still bounded by statement_timeout, and a failed COMMIT rolls the whole write back. Chosen over a sealer chaining committed events later because nothing changes for
 * readers or for crash safety: an event is in its chain, or nowhere, the moment its write
 * commits, inside the write's one transaction, with no background process to coordinate
 * between instances. The database hashes each event (below); `audit verify` and the integrity
 * route recompute every hash, so an event hashed wrongly would be found.
 *
 * SQLite: a write transaction holds the database's one writer lock from its first write to its
 * end anyway, so the claim adds no waiting; writeAuditEvents claims and inserts with statements
 * of its own, and checks the stored hash against the event before COMMIT.
 *
 * A transaction whose events fall into several chains (a practice's and the no-practice chain)
 * claims them in chain id order, on PostgreSQL as the trigger fires in the order the pending rows
 * were inserted, and locks nothing after them, so two transactions never wait for each other's
 * heads in opposite orders: no deadlock.
 *
 * One row update claims a position and hashes the event into it (the database joins the
 * event's text around the new seq and the previous hash, see domain hashedText): a new chain
 * starts at seq 1 after the genesis hash; an existing head's seq is bumped, its last_hash moves
 * to prev_hash and the new event's hash takes its place.
 */
export function appendAuditEvent(trx: Executor, event: NewAuditEvent): void {
  queuedEventsOf(trx).push(event);
}

/** A transaction's queued events written for their chains (see above), just before COMMIT. */
export async function writeAuditEvents(trx: Executor, events: readonly NewAuditEvent[]): Promise<void> {
  const inChainOrder = events
    .map((event) => ({ ...event, id: randomUUID(), chainId: chainIdOf(event.practiceId) }))
    .sort((a, b) => (a.chainId < b.chainId ? -1 : a.chainId > b.chainId ? 1 : 0));
  const postgres = dialectOf(trx) === 'postgres';
  for (const event of inChainOrder) {
    if (postgres) await insertPendingOnPostgres(trx, pendingRow(event));
    else await appendOnSqlite(trx, event);
  }
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

/** The event as the PostgreSQL trigger chains it. */
function pendingRow(event: UnpositionedEvent): AuditPendingEventRow {
  const row = rowWithoutPosition(event);
  const text = hashedText(event);
  return {
    id: row.id,
    chain_id: row.chain_id,
    event: JSON.stringify(row),
    before_seq: text.beforeSeq,
    after_seq: text.afterSeq,
    end_text: text.end,
  };
}

// Every audited write appends one event: its statements are compiled once (compiled-once.ts).
const insertPendingOnPostgres = compiledOnce(
  ['id', 'chain_id', 'event', 'before_seq', 'after_seq', 'end_text'],
  (db, row: AuditPendingEventRow) => db.insertInto('audit_pending_events').values(row),
);

const claimOnSqlite = compiledOnce(
  ['chain_id', ...TEXT_PIECES],
  (db, { chain_id, ...text }: Pick<UnpositionedRow, 'chain_id'> & HashedText) =>
    claimPosition(db, chain_id, text),
);

const insertOnSqlite = compiledOnce(
  [...UNPOSITIONED_COLUMNS, 'seq', 'prev_hash', 'hash'],
  (db, row: AuditEventRow) => db.insertInto('audit_events').values(row),
);

/** SQLite cannot update and insert in one statement: the head's claim, then the event's insert. */
async function appendOnSqlite(trx: Executor, event: UnpositionedEvent): Promise<void> {
  const text = hashedText(event);
  const [head] = (await claimOnSqlite(trx, { chain_id: event.chainId, ...text })).rows;
  if (!head) throw new Error('audit chain: no position claimed');
  // The database hashed the text; a chain that would fail verification is never written.
  if (hashOfText(text, Number(head.last_seq), head.prev_hash) !== head.last_hash)
    throw new Error('audit chain: the stored hash does not match the event');
  await insertOnSqlite(trx, {
    ...rowWithoutPosition(event),
    seq: head.last_seq,
    prev_hash: head.prev_hash,
    hash: head.last_hash,
  });
}

/** The head's upsert that claims a chain's next position and hashes the event's text into it. */
function claimPosition(db: QueryCreator<Database>, chainId: string, text: HashedText) {
  // The previous hash goes in quoted, as JSON writes a hex string.
  const hashAt = (seq: Expression<unknown>, prevHash: Expression<unknown>) =>
    sqliteSha256Hex(
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

/** Hex SHA-256 of a text's UTF-8 bytes, in SQLite's SQL. */
function sqliteSha256Hex(text: RawBuilder<string>): RawBuilder<string> {
  return sql<string>`${sql.raw(SQLITE_SHA256_HEX)}(${text})`;
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
