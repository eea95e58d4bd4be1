import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type Compilable,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { writeAuditEvents } from './audit-store.js';
import { createCommittedEventFeed, type CommittedEventsListener } from './committed-events.js';
import { registerDialect } from './dialect.js';
import { DEFAULT_DATABASE_POOL_SIZE } from '../config.js';
import { boundedCache } from '../domain/bounded-cache.js';
import type { Lookup } from './lookup-batch.js';
import type { Database } from './schema.js';
import { sessionLookup, type SessionWithAccount } from './session-store.js';
import { registerSqliteSha256 } from './sqlite-sha256.js';

export type Dialect = 'sqlite' | 'postgres';

/** The store's handle: the query builder plus what differs between the two databases. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * Runs fn in one transaction; a write and its audit events commit together or not at all,
   * the events written into their chains last, just before COMMIT (audit-store.ts).
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a read and returns its rows as arrays in select-list order: no object per row, for
   * reads of millions of rows (the activity export). Outside any transaction.
   */
  readRowArrays<Row extends readonly unknown[]>(query: Compilable): Promise<Row[]>;
  /**
   * Runs fn with a handle for schema migrations: on PostgreSQL its own connection without the
   * request timeouts, since a migration step, or waiting for another instance's migration lock,
   * may rightly take longer than any request.
   */
  forMigrations<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * A session with its user and practice, read from the database for this call; lookups asked
   * at the same moment share one query (lookup-batch.ts).
   */
  findSessionWithAccount: Lookup<string, SessionWithAccount>;
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Hears every audit event once its transaction has committed (committed-events.ts); returns the unsubscribe. */
  onAuditEventsCommitted(listener: CommittedEventsListener): () => void;
  /** PostgreSQL's connection pool right now, for /metrics; undefined for SQLite (one connection, no pool). */
  poolState(): PoolState | undefined;
}

export interface PoolState {
  /** Connections open, idle or in use. */
  readonly total: number;
  readonly idle: number;
  /** Queries queued for a connection because all are in use. */
  readonly waiting: number;
}

export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The store's transactions, whose audit events are written last and announced after commit (committed-events.ts),
 * with the dialect of db and of each transaction registered for dialectOf.
 */
function transactionsOf(
  db: Kysely<Database>,
  dialect: Dialect,
): Pick<Store, 'transaction' | 'onAuditEventsCommitted'> {
  registerDialect(db, dialect);
  const feed = createCommittedEventFeed(writeAuditEvents);
  return {
    transaction: (fn) =>
      feed.transaction(db, (trx) => {
        registerDialect(trx, dialect);
        return fn(trx);
      }),
    onAuditEventsCommitted: feed.subscribe,
  };
}

/** Runs a compiled statement and returns its rows as arrays in select-list order. */
export type RowArrayReader = (sql: string, parameters: readonly unknown[]) => Promise<readonly unknown[][]>;

function readingRowArrays(rowArrays: RowArrayReader): Store['readRowArrays'] {
  return async <Row extends readonly unknown[]>(query: Compilable) => {
    const { sql, parameters } = query.compile();
    return (await rowArrays(sql, parameters)) as unknown as Row[];
  };
}

export interface StoreOptions {
  /** postgres://… to use PostgreSQL; otherwise SQLite in dataDir. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** SQLite file name inside dataDir. */
  readonly sqliteFile?: string;
  /** PostgreSQL connections in the pool (DATABASE_POOL_SIZE); SQLite has one. */
  readonly poolSize?: number;
}

/** The SQLite database's file name inside DATA_DIR. */
export const SQLITE_FILE = 'gatehouse.sqlite';

/** Waits at most this long for a PostgreSQL connection or statement, so an outage answers 503, never hangs. */
const PG_TIMEOUT_MS = 4000;

export function openStore(options: StoreOptions): Store {
  return options.databaseUrl?.startsWith('postgres')
    ? openPostgres(options.databaseUrl, options.poolSize ?? DEFAULT_DATABASE_POOL_SIZE)
    : openSqlite(path.join(options.dataDir, options.sqliteFile ?? SQLITE_FILE));
}

function openSqlite(file: string): Store {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit acknowledged to a client survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  registerSqliteSha256(sqlite);
  const statements = statementCache(sqlite);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: { close: () => sqlite.close(), prepare: statements.prepare } }),
  });
  const rowArrays: RowArrayReader = async (sql, parameters) =>
    statements.prepareRaw(sql).all(...parameters) as unknown[][];
  return {
    db,
    dialect: 'sqlite',
    ...transactionsOf(db, 'sqlite'),
    readRowArrays: readingRowArrays(rowArrays),
    // One connection, so one query at a time.
    findSessionWithAccount: sessionLookup(db, 'sqlite', rowArrays, {
      maxBatch: SESSION_LOOKUP_BATCH,
      maxInFlight: 1,
    }),
    forMigrations: (fn) => fn(db),
    ping: async () => {
      sqlite.prepare('select 1').get();
    },
    close: () => db.destroy(),
    poolState: () => undefined,
  };
}

/** Prepared statements kept for reuse; Kysely's SQLite driver would otherwise prepare every query anew. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Prepared statements in a bounded cache keyed by SQL text, for Kysely (rows as objects) and for
 * readRowArrays (rows as arrays, a separate statement since raw mode sticks to a statement).
 * Safe because Kysely runs one query at a time on its single SQLite connection.
 */
function statementCache(sqlite: SQLite.Database) {
  const cached = boundedCache<string, SQLite.Statement>(STATEMENT_CACHE_SIZE);
  return {
    prepare: (sql: string) =>
      cached(sql, () => sqlite.prepare(sql)) as unknown as ReturnType<SqliteDatabase['prepare']>,
    prepareRaw: (sql: string) => cached(`raw:${sql}`, () => sqlite.prepare(sql).raw(true)),
  };
}

// Integer milliseconds are stored as bigint; they fit a JS number until the year 287396.
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(connectionString: string, poolSize: number): Store {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: PG_TIMEOUT_MS,
    statement_timeout: PG_TIMEOUT_MS,
    query_timeout: PG_TIMEOUT_MS + 500,
    // No JIT: every query here is short, and a range read that the planner overestimates (the
    // export's batches: 384,000 rows estimated, 2,000 read) spent 200 ms compiling for 5 ms of work.
    options: '-c jit=off',
    types: PG_TYPES,
  });
  // A client losing its connection (database restart) must not crash the process: idle clients
  // report on the pool, checked-out ones on themselves; the next query on them fails and maps to 503.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
  const rowArrays: RowArrayReader = async (sql, parameters) => {
    const result = await pool.query({
      name: statementName(sql),
      text: sql,
      values: parameters as unknown[],
      rowMode: 'array',
    });
    return result.rows as unknown[][];
  };
  return {
    db,
    dialect: 'postgres',
    ...transactionsOf(db, 'postgres'),
    readRowArrays: readingRowArrays(rowArrays),
    // Two queries out at once: one slow round trip does not hold up every request.
    findSessionWithAccount: sessionLookup(db, 'postgres', rowArrays, {
      maxBatch: SESSION_LOOKUP_BATCH,
      maxInFlight: 2,
    }),
    forMigrations: async (fn) => {
      const migrations = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({
            connectionString,
            max: 1,
            connectionTimeoutMillis: PG_TIMEOUT_MS,
            types: PG_TYPES,
          }),
        }),
      });
      try {
        return await fn(migrations);
      } finally {
        await migrations.destroy();
      }
    },
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => db.destroy(),
    poolState: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** Names already computed: the same texts come back on every request. */
const statementNames = boundedCache<string, string>(1024);

/** At most this many sessions in one lookup query. */
const SESSION_LOOKUP_BATCH = 64;

/** A prepared statement's name on every connection: a hash of its text. */
function statementName(sql: string): string {
  return statementNames(sql, () => `gh_${createHash('sha256').update(sql).digest('hex').slice(0, 40)}`);
}

/** Statements PostgreSQL can keep prepared; DDL and transaction control go through unnamed. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * The pg pool as Kysely sees it, sending each data statement as a named prepared statement
 * (named by a hash of its text), so PostgreSQL parses and plans it once per connection rather
 * than on every request.
 */
function withNamedStatements(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      const query = (sqlOrCursor: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>) => {
        if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never);
        if (!PREPARABLE.test(sqlOrCursor)) return client.query(sqlOrCursor, parameters as unknown[]);
        return client.query({
          name: statementName(sqlOrCursor),
          text: sqlOrCursor,
          values: parameters as unknown[],
        });
      };
      return {
        query,
        release: (destroy?: boolean) => client.release(destroy),
      } as unknown as PostgresPoolClient;
    },
  };
}
