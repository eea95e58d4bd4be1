import type { CompiledQuery, Kysely, RawBuilder, Transaction } from 'kysely';
import type { CommittedEventsListener } from './committed-events.js';
import type { Database } from './schema.js';

/**
 * The store's handle and what an engine (engine/sqlite.ts, engine/postgres.ts) provides.
 * Only types live here: every store module imports them, and openStore (database.ts) imports
 * the engines, so keeping them apart keeps src/store free of import circles
 * (docs/architecture.md "Where things are").
 */
export type Dialect = 'sqlite' | 'postgres';

export type Executor = Kysely<Database> | Transaction<Database>;

/** The store's handle: the query builder plus what differs between the two databases. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The SQL that differs between the two databases, for statements built outside the engine. */
  readonly sql: DialectSql;
  /**
   * Runs fn in one transaction; a write and its audit events commit together or not at all,
   * the events written into their chains last, just before COMMIT (audit-store.ts).
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs a compiled read and returns its rows as arrays in select-list order: no object per row,
   * for reads made very often or of millions of rows (the session lookup, the activity export).
   * Outside any transaction.
   */
  readRowArrays<Row extends readonly unknown[]>(query: CompiledStatement): Promise<Row[]>;
  /**
   * Runs fn with a handle for schema migrations: on PostgreSQL its own connection without the
   * request timeouts, since a migration step, or waiting for another instance's migration lock,
   * may rightly take longer than any request.
   */
  forMigrations<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Reads this store runs at once: one on SQLite's single connection, more from PostgreSQL's pool. */
  readonly parallelReads: number;
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Hears every audit event once its transaction has committed (committed-events.ts); returns the unsubscribe. */
  onAuditEventsCommitted(listener: CommittedEventsListener): () => void;
  /** PostgreSQL's connection pool right now, for /metrics; undefined for SQLite (one connection, no pool). */
  poolState(): PoolState | undefined;
}

/** A statement's text and its values, as Kysely compiles it. */
export type CompiledStatement = Pick<CompiledQuery, 'sql' | 'parameters'>;

export interface PoolState {
  /** Connections open, idle or in use. */
  readonly total: number;
  readonly idle: number;
  /** Queries queued for a connection because all are in use. */
  readonly waiting: number;
}

/** SQL fragments each engine writes its own way. */
export interface DialectSql {
  /**
   * `column` is one of a list passed as one parameter, so a statement keeps one text (and one
   * prepared plan) for any number of values; pass the list through `listParameter`.
   */
  isInList(column: string, list: unknown): RawBuilder<boolean>;
  listParameter(values: readonly string[]): unknown;
  /** The texts of a column joined by a separator, in the rows' order, as bytes or text. */
  joinedText(column: string, separator: string): RawBuilder<Uint8Array | string | null>;
}
