import type { SelectQueryBuilder } from 'kysely';
import type { PagePosition } from '../domain/activity-filter.js';
import type { AuditEvent, EventType, Outcome } from '../domain/audit-event.js';
import type { ChainPosition } from '../domain/audit-chain-check.js';
import { fromAuditRow } from './audit-store.js';
import type { Executor } from './database.js';
import type { AuditEventRow, Database } from './schema.js';

/**
 * Reading the activity log: filtered pages, newest first by (at, seq), keyset-paged.
 *
 * Each page is the merge of a few "branches", each an equality prefix of one index ending in
 * (at, seq), walked backwards from min(cursor, `to`) with a LIMIT and stopping at `from`, so a
 * page costs O(limit × branches) index entries whatever the log's size and wherever the date
 * range lies (see migrations/0004-activity.ts for the index per branch):
 *   - a user's events: one branch as actor, one as target (an event may be both: deduplicated);
 *   - a type filter: one branch per type of the group;
 *   - otherwise one branch over the whole practice chain.
 * Outcome is checked on the rows each branch walks.
 */
export interface ActivityQuery {
  /** The practice's chain: every query is confined to one practice. */
  readonly chainId: string;
  /** Events where this user is actor or target. */
  readonly userId?: string;
  readonly types?: readonly EventType[];
  readonly outcome?: Outcome;
  /** Inclusive lower bound, ms since the epoch. */
  readonly fromAt?: number;
  /** Exclusive upper bound, ms since the epoch. */
  readonly toAt?: number;
  /** Only events older than this position (the cursor). */
  readonly before?: PagePosition;
  readonly limit: number;
}

export interface ActivityPage {
  readonly events: readonly AuditEvent[];
  /** Whether older events match the same query. */
  readonly more: boolean;
}

type EventQuery = SelectQueryBuilder<Database, 'audit_events', AuditEventRow>;

export async function listActivity(db: Executor, query: ActivityQuery): Promise<ActivityPage> {
  const base = (): EventQuery => {
    let q = db.selectFrom('audit_events').selectAll().where('chain_id', '=', query.chainId);
    const { before } = query;
    if (before !== undefined)
      q = q.where((eb) => eb(eb.refTuple('at', 'seq'), '<', eb.tuple(before.at, before.seq)));
    if (query.outcome !== undefined) q = q.where('outcome', '=', query.outcome);
    if (query.fromAt !== undefined) q = q.where('at', '>=', query.fromAt);
    if (query.toAt !== undefined) q = q.where('at', '<', query.toAt);
    return q;
  };
  const types = query.types;
  let branches: EventQuery[];
  if (query.userId !== undefined) {
    const userId = query.userId;
    const withTypes = (q: EventQuery) => (types ? q.where('type', 'in', [...types]) : q);
    branches = [
      withTypes(base().where('actor_id', '=', userId)),
      withTypes(base().where('target_id', '=', userId)),
    ];
  } else if (types !== undefined) {
    branches = types.map((type) => base().where('type', '=', type));
  } else {
    branches = [base()];
  }
  const wanted = query.limit + 1;
  const results = await Promise.all(
    branches.map((branch) => branch.orderBy('at', 'desc').orderBy('seq', 'desc').limit(wanted).execute()),
  );
  const bySeq = new Map<number, AuditEventRow>();
  for (const rows of results) for (const row of rows) bySeq.set(Number(row.seq), row);
  const rows = [...bySeq.values()]
    .sort((a, b) => Number(b.at) - Number(a.at) || Number(b.seq) - Number(a.seq))
    .slice(0, wanted);
  return { events: rows.slice(0, query.limit).map(fromAuditRow), more: rows.length > query.limit };
}

/** A run of stored rows of one chain, oldest first, after a seq: the verifier's walk. */
export async function readChainRows(
  db: Executor,
  chainId: string,
  afterSeq: number,
  limit: number,
): Promise<AuditEventRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_id', '=', chainId)
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}

/** The chain head kept beside the events: the last seq and hash appended. */
export async function findChainHead(db: Executor, chainId: string): Promise<ChainPosition | undefined> {
  const row = await db
    .selectFrom('audit_chains')
    .select(['last_seq', 'last_hash'])
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  return row && { seq: Number(row.last_seq), hash: row.last_hash };
}

/** Every chain that has a head (each practice, and the chain of unknown-practice events). */
export async function listChainIds(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('audit_chains').select('chain_id').orderBy('chain_id').execute();
  return rows.map((row) => row.chain_id);
}
