import { randomUUID } from 'node:crypto';
import {
  chainIdOf,
  eventHash,
  GENESIS_HASH,
  type AuditEvent,
  type EventType,
  type NewAuditEvent,
  type Outcome,
} from '../domain/audit-event.js';
import { noteAppendedEvent } from './committed-events.js';
import type { Executor } from './database.js';
import type { AuditEventRow } from './schema.js';

/**
 * Appends one event to its practice's hash chain, inside the caller's transaction.
 *
 * The chain head row is created or bumped with INSERT … ON CONFLICT DO UPDATE … RETURNING, which
 * takes its row lock as an UPDATE does: concurrent writers of one practice (several instances on
 * PostgreSQL) queue on it until commit, so each practice gets one gap-free chain whose order is
 * commit order. SQLite serialises all writers.
 */
export async function appendAuditEvent(trx: Executor, event: NewAuditEvent): Promise<AuditEvent> {
  const chainId = chainIdOf(event.practiceId);
  // One statement: a new chain starts at seq 1 after the genesis hash; an existing one's seq is
  // bumped, and last_hash, untouched here, is the previous event's hash.
  const head = await trx
    .insertInto('audit_chains')
    .values({ chain_id: chainId, last_seq: 1, last_hash: GENESIS_HASH })
    .onConflict((oc) =>
      oc.column('chain_id').doUpdateSet((eb) => ({ last_seq: eb('audit_chains.last_seq', '+', 1) })),
    )
    .returning(['last_seq', 'last_hash'])
    .executeTakeFirstOrThrow();

  const unsigned = {
    ...event,
    id: randomUUID(),
    chainId,
    seq: Number(head.last_seq),
    prevHash: head.last_hash,
  };
  const stored: AuditEvent = { ...unsigned, hash: eventHash(unsigned) };
  await trx.insertInto('audit_events').values(toRow(stored)).execute();
  await trx
    .updateTable('audit_chains')
    .set({ last_hash: stored.hash })
    .where('chain_id', '=', chainId)
    .execute();
  noteAppendedEvent(trx, stored);
  return stored;
}

function toRow(event: AuditEvent): AuditEventRow {
  return {
    id: event.id,
    chain_id: event.chainId,
    seq: event.seq,
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
    prev_hash: event.prevHash,
    hash: event.hash,
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
