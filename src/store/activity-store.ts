import type { SelectQueryBuilder } from 'kysely';
import type { PagePosition } from '../domain/activity-filter.js';
import type { AuditEvent, EventType, Outcome } from '../domain/audit-event.js';
import type { ChainPosition } from '../domain/audit-chain-check.js';
import { fromAuditRow } from './audit-store.js';
import type { Executor, Store } from './database.js';
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

/** The filters of a query without its page: what an export walks. */
export type ActivityFilterQuery = Omit<ActivityQuery, 'before' | 'limit'>;

/** The columns an export writes, in this order: no hashes, no chain bookkeeping. */
const EXPORTED_COLUMNS = [
  'id',
  'at',
  'seq',
  'type',
  'outcome',
  'actor_id',
  'actor_username',
  'target_id',
  'target_username',
  'ip',
  'user_agent',
  'details',
] as const;

/** One exported event, as the array the database returns (EXPORTED_COLUMNS' order). */
export type ExportedEventRow = readonly [
  id: string,
  at: number,
  seq: number,
  type: string,
  outcome: string,
  actorId: string | null,
  actorUsername: string | null,
  targetId: string | null,
  targetUsername: string | null,
  ip: string,
  userAgent: string,
  details: string,
];

type EventQuery = SelectQueryBuilder<Database, 'audit_events', object>;

export async function listActivity(db: Executor, query: ActivityQuery): Promise<ActivityPage> {
  const rows = await readBranches(
    db,
    query,
    (branch, limit) => newestFirst(branch.selectAll(), limit).execute(),
    (row) => ({ at: Number(row.at), seq: Number(row.seq) }),
  );
  return {
    events: rows.slice(0, query.limit).map(fromAuditRow),
    more: rows.length > query.limit,
  };
}

/**
 * Every event matching the filters, newest first, in batches of arrays: each batch is one short
 * keyset query, so a long export never holds a connection (or SQLite's single one) between
 * batches, and memory stays that of one batch. Arrays, not objects: this reads millions of rows.
 */
export async function* exportActivityRows(
  store: Store,
  filters: ActivityFilterQuery,
  batchSize: number,
): AsyncGenerator<readonly ExportedEventRow[]> {
  const positionOf = (row: ExportedEventRow): PagePosition => ({ at: row[1], seq: row[2] });
  let before: PagePosition | undefined;
  for (;;) {
    const query = { ...filters, limit: batchSize, ...(before === undefined ? {} : { before }) };
    const rows = await readBranches(
      store.db,
      query,
      (branch, limit) =>
        store.readRowArrays<ExportedEventRow>(newestFirst(branch.select(EXPORTED_COLUMNS), limit)),
      positionOf,
    );
    const batch = rows.slice(0, batchSize);
    const last = batch.at(-1);
    if (last) yield batch;
    if (rows.length <= batchSize || !last) return;
    before = positionOf(last);
  }
}

function newestFirst<Row>(query: SelectQueryBuilder<Database, 'audit_events', Row>, limit: number) {
  return query.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit);
}

/** Up to limit + 1 rows of the query's branches, merged newest first (the extra row tells "more"). */
async function readBranches<Row>(
  db: Executor,
  query: ActivityQuery,
  read: (branch: EventQuery, limit: number) => Promise<Row[]>,
  positionOf: (row: Row) => PagePosition,
): Promise<Row[]> {
  const wanted = query.limit + 1;
  const results = await Promise.all(branchesOf(db, query).map((branch) => read(branch, wanted)));
  // One branch (the whole chain, or one type) is already in order: nothing to merge.
  if (results.length === 1) return results[0] ?? [];
  const bySeq = new Map<number, { row: Row; at: number; seq: number }>();
  for (const rows of results)
    for (const row of rows) {
      const { at, seq } = positionOf(row);
      bySeq.set(seq, { row, at, seq });
    }
  return [...bySeq.values()]
    .sort((a, b) => b.at - a.at || b.seq - a.seq)
    .slice(0, wanted)
    .map((entry) => entry.row);
}

function branchesOf(db: Executor, query: ActivityQuery): EventQuery[] {
  const base = (): EventQuery => {
    let q: EventQuery = db.selectFrom('audit_events').where('chain_id', '=', query.chainId);
    const { before } = query;
    if (before !== undefined)
      q = q.where((eb) => eb(eb.refTuple('at', 'seq'), '<', eb.tuple(before.at, before.seq)));
    if (query.outcome !== undefined) q = q.where('outcome', '=', query.outcome);
    if (query.fromAt !== undefined) q = q.where('at', '>=', query.fromAt);
    if (query.toAt !== undefined) q = q.where('at', '<', query.toAt);
    return q;
  };
  const types = query.types;
  if (query.userId !== undefined) {
    const userId = query.userId;
    const withTypes = (q: EventQuery) => (types ? q.where('type', 'in', [...types]) : q);
    return [
      withTypes(base().where('actor_id', '=', userId)),
      withTypes(base().where('target_id', '=', userId)),
    ];
  }
  if (types !== undefined) return types.map((type) => base().where('type', '=', type));
  return [base()];
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
