import path from 'node:path';
import { DEFAULT_DATABASE_POOL_SIZE } from '../config.js';
import { openPostgres } from './engine/postgres.js';
import { openSqlite } from './engine/sqlite.js';
import type { Store } from './handle.js';

export type { Dialect, Executor, PoolState, Store } from './handle.js';

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

/** The store on the engine the options name: PostgreSQL for a postgres:// URL, else SQLite. */
export function openStore(options: StoreOptions): Store {
  return options.databaseUrl?.startsWith('postgres')
    ? openPostgres(options.databaseUrl, options.poolSize ?? DEFAULT_DATABASE_POOL_SIZE)
    : openSqlite(path.join(options.dataDir, options.sqliteFile ?? SQLITE_FILE));
}
