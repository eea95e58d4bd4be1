import { sql, type SelectQueryBuilder } from 'kysely';
import type { PagePosition } from '../domain/activity-filter.js';
import { containsPattern, type SearchWord } from '../domain/activity-search.js';
import { EXPORTED_EVENT_COLUMNS, type ExportedEventColumn } from '../domain/event-columns.js';
import { RECORD_SEPARATOR, UNIT_SEPARATOR } from '../domain/separated-csv.js';
import type { AuditEvent, EventType, Outcome } from '../domain/audit-event.js';
import type { ChainPosition } from '../domain/audit-chain-check.js';
import { fromAuditRow } from './audit-store.js';
import { arrayRowReader, selectionOf, type ColumnMap } from './column-map.js';
import type { Executor, Store } from './handle.js';
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
 * Outcome and search words are checked on the rows each branch walks.
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
  /** Leave out the log's own `activity.viewed` events. */
  readonly hideViews?: boolean;
  /** Words each found in the event (domain/activity-search.ts); checked on the rows each branch walks. */
  readonly search?: readonly SearchWord[];
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

/**
 * The columns an export reads, by name: the exported ones (domain/event-columns.ts: the fields
 * it writes, no hashes, no chain bookkeeping), the same in both of its ways of reading, then seq
 * for the keyset. Each name is checked against the schema.
 */
const EXPORT_FIELDS = Object.fromEntries(
  [...EXPORTED_EVENT_COLUMNS, 'seq'].map((column) => [column, `audit_events.${column}`]),
) as {
  readonly [Column in ExportedEventColumn | 'seq']: `audit_events.${Column}`;
} satisfies ColumnMap<'audit_events'>;

const EXPORT_SELECTION = selectionOf(EXPORT_FIELDS);

/** One exported event, as the array the database returns: read it with readExportedValue. */
export type ExportedEventRow = readonly unknown[];

/** One column of an exported event, by name. */
export const readExportedValue = arrayRowReader(EXPORT_FIELDS);

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
  const positionOf = (row: ExportedEventRow): PagePosition => ({
    at: readExportedValue(row, 'at'),
    seq: readExportedValue(row, 'seq'),
  });
  let before: PagePosition | undefined;
  for (;;) {
    const query = { ...filters, limit: batchSize, ...(before === undefined ? {} : { before }) };
    const rows = await readBranches(
      store.db,
      query,
      (branch, limit) =>
        store.readRowArrays<ExportedEventRow>(newestFirst(branch.select(EXPORT_SELECTION), limit).compile()),
      positionOf,
    );
    const batch = rows.slice(0, batchSize);
    const last = batch.at(-1);
    if (last) yield batch;
    if (rows.length <= batchSize || !last) return;
    before = positionOf(last);
  }
}

/**
 * One batch of an export: either the database's separated bytes (domain/separated-csv.ts),
 * with a way to read the same events as rows when those bytes cannot be converted exactly,
 * or the rows themselves (filters that merge several branches).
 */
export type ExportBatch =
  | {
      readonly kind: 'separated';
      readonly bytes: Uint8Array;
      readonly count: number;
      readonly readRows: () => Promise<readonly ExportedEventRow[]>;
    }
  | { readonly kind: 'rows'; readonly rows: readonly ExportedEventRow[] };

/**
 * Every event matching the filters, newest first, in keyset batches like exportActivityRows.
 * Where the filters are one branch (the practice log, by outcome or date range, or one type),
 * each batch is two queries: the position of its last event (index-only, OFFSET within the
 * index), then the events down to it joined into one string by the database itself, so no
 * JavaScript value is made per field or per row (200,000 rows/s, bench/README.md "Activity log"). Several branches
 * (a user, a group of types) are merged from rows as before.
 */
export async function* exportActivityBatches(
  store: Store,
  filters: ActivityFilterQuery,
  batchSize: number,
): AsyncGenerator<ExportBatch> {
  if (branchesOf(store.db, { ...filters, limit: batchSize }).length !== 1) {
    for await (const rows of exportActivityRows(store, filters, batchSize)) yield { kind: 'rows', rows };
    return;
  }
  /** The branch of the events older than `before` (all when undefined). */
  const olderThan = (before: PagePosition | undefined): EventQuery => {
    const [branch] = branchesOf(store.db, { ...filters, limit: batchSize, ...(before ? { before } : {}) });
    if (!branch) throw new Error('a one-branch query has one branch');
    return branch;
  };
  /** The last event of the batch that starts after `before`; undefined when fewer than a batch remain. */
  const lowestOf = async (before: PagePosition | undefined): Promise<PagePosition | undefined> => {
    const last = await newestFirst(olderThan(before).select(['at', 'seq']), 1)
      .offset(batchSize - 1)
      .executeTakeFirst();
    return last && { at: Number(last.at), seq: Number(last.seq) };
  };
  /** Starts reading the batch between `before` and `lowest`, and finding where the next one ends. */
  const read = (before: PagePosition | undefined, lowest: PagePosition | undefined) => {
    // The plain bounds on `at` repeat what the (at, seq) bounds say, for PostgreSQL's planner:
    // without them it took a batch of 2,000 for 593,000 of 10 million rows and scanned the whole
    // table (1.6 s a batch), and a named statement's generic plan did the same; with them both
    // plans walk the index.
    let batch = olderThan(before);
    if (before) batch = batch.where('at', '<=', before.at);
    if (lowest)
      batch = batch
        .where((eb) => eb(eb.refTuple('at', 'seq'), '>=', eb.tuple(lowest.at, lowest.seq)))
        .where('at', '>=', lowest.at);
    const separated = readSeparated(store, batch);
    const following = lowest && lowestOf(lowest);
    // Observed now: a consumer that stops early must not leave a rejection unhandled.
    separated.catch(() => undefined);
    following?.catch(() => undefined);
    return { batch, lowest, separated, following };
  };

  let current = read(undefined, await lowestOf(undefined));
  for (;;) {
    const { batch, lowest, separated, following } = current;
    const { bytes, count } = await separated;
    if (count === 0) return;
    // The next batch is asked for before this one is handed over: on PostgreSQL the database
    // builds it on another connection while the caller converts this one. One turn of the
    // event loop lets the pool send the queries before the conversion holds the thread.
    if (lowest && following) {
      current = read(lowest, await following);
      await new Promise((resolve) => setImmediate(resolve));
    }
    yield {
      kind: 'separated',
      bytes,
      count,
      readRows: () =>
        store.readRowArrays<ExportedEventRow>(newestFirst(batch.select(EXPORT_SELECTION), count).compile()),
    };
    if (!lowest) return;
  }
}

/** Events without an actor or a target: concat_ws would skip a null, and shift the fields after it. */
const NULLABLE_FIELDS = new Set<string>(['actor_id', 'actor_username', 'target_id', 'target_username']);

/** One event's fields joined by the unit separator, in EXPORTED_EVENT_COLUMNS' order. */
const SEPARATED_LINE = sql<string>`concat_ws(${UNIT_SEPARATOR}, ${sql.join(
  EXPORTED_EVENT_COLUMNS.map((name) =>
    NULLABLE_FIELDS.has(name) ? sql`coalesce(${sql.ref(name)}, '')` : sql.ref(name),
  ),
)})`;

/** A batch's events as one string: fields joined by the unit separator, events by the record separator. */
async function readSeparated(store: Store, batch: EventQuery): Promise<{ bytes: Uint8Array; count: number }> {
  // Newest first by the index the branch walks backwards; the aggregate keeps its input's order
  // (an ORDER BY inside the aggregate would sort the batch again: twice the query's time on SQLite).
  const lines = batch
    .select(SEPARATED_LINE.as('line'))
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .as('batch');
  const joined = store.sql.joinedText('line', RECORD_SEPARATOR);
  const row = await store.db
    .selectFrom(lines)
    .select([joined.as('joined'), sql<number>`count(*)`.as('count')])
    .executeTakeFirstOrThrow();
  const { joined: text } = row;
  const bytes = text === null ? new Uint8Array(0) : typeof text === 'string' ? Buffer.from(text) : text;
  return { bytes, count: Number(row.count) };
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

/** Columns a search word is looked for in, lower-cased. */
const SEARCHED_COLUMNS = ['actor_username', 'target_username', 'ip', 'user_agent', 'details'] as const;

/** The events of the chain matching every filter but user and types (which pick the branches). */
function filteredEvents(db: Executor, query: Omit<ActivityQuery, 'limit'>): EventQuery {
  let q: EventQuery = db.selectFrom('audit_events').where('chain_id', '=', query.chainId);
  const { before } = query;
  if (before !== undefined)
    q = q.where((eb) => eb(eb.refTuple('at', 'seq'), '<', eb.tuple(before.at, before.seq)));
  if (query.outcome !== undefined) q = q.where('outcome', '=', query.outcome);
  if (query.fromAt !== undefined) q = q.where('at', '>=', query.fromAt);
  if (query.toAt !== undefined) q = q.where('at', '<', query.toAt);
  if (query.hideViews === true) q = q.where('type', '!=', 'activity.viewed');
  for (const word of query.search ?? []) {
    const pattern = containsPattern(word.text);
    q = q.where((eb) =>
      eb.or([
        ...SEARCHED_COLUMNS.map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
        ...(word.types.length > 0 ? [eb('type', 'in', [...word.types])] : []),
        ...(word.outcomes.length > 0 ? [eb('outcome', 'in', [...word.outcomes])] : []),
      ]),
    );
  }
  return q;
}

/**
 * How many events match the filters (every page, not one), and how many of them failed, each
 * counted up to `cap` (a bounded walk however large the log): `capped` when there are more.
 */
export async function countActivity(
  db: Executor,
  filters: ActivityFilterQuery,
  cap: number,
): Promise<{ events: number; failures: number; capped: boolean }> {
  let matching = filteredEvents(db, filters);
  const { userId, types } = filters;
  if (userId !== undefined)
    matching = matching.where((eb) => eb.or([eb('actor_id', '=', userId), eb('target_id', '=', userId)]));
  if (types !== undefined) matching = matching.where('type', 'in', [...types]);
  const count = async (q: EventQuery) => {
    const row = await db
      .selectFrom(
        q
          .select(sql<number>`1`.as('one'))
          .limit(cap + 1)
          .as('matching'),
      )
      .select(sql<number>`count(*)`.as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  const [events, failures] = await Promise.all([
    count(matching),
    filters.outcome === 'success' ? 0 : count(matching.where('outcome', '=', 'failure')),
  ]);
  return { events: Math.min(events, cap), failures: Math.min(failures, cap), capped: events > cap };
}

function branchesOf(db: Executor, query: ActivityQuery): EventQuery[] {
  const base = (): EventQuery => filteredEvents(db, query);
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
