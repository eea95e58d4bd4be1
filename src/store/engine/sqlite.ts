import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { boundedCache } from '../../domain/bounded-cache.js';
import type { DialectSql, Store } from '../handle.js';
import type { Database } from '../schema.js';
import { registerSqliteSha256 } from '../sqlite-sha256.js';
import { transactionsOf } from './transactions.js';

/**
 * The SQLite engine: one file, one connection (better-sqlite3 is synchronous), WAL journal,
 * prepared statements kept for reuse. Everything SQLite-specific is here or in sqlite-file.ts
 * (backup) and sqlite-sha256.ts (the hash the audit chain needs); the PostgreSQL engine is
 * engine/postgres.ts, and openStore (database.ts) picks one.
 */
export function openSqlite(file: string): Store {
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
  return {
    db,
    dialect: 'sqlite',
    sql: SQLITE_SQL,
    ...transactionsOf(db, 'sqlite'),
    readRowArrays: async <Row extends readonly unknown[]>(query: {
      sql: string;
      parameters: readonly unknown[];
    }) => statements.prepareRaw(query.sql).all(...query.parameters) as unknown as Row[],
    forMigrations: (fn) => fn(db),
    // One connection, so one query at a time.
    parallelReads: 1,
    ping: async () => {
      sqlite.prepare('select 1').get();
    },
    close: () => db.destroy(),
    poolState: () => undefined,
  };
}

const SQLITE_SQL: DialectSql = {
  isInList: (column, list) => sql<boolean>`${sql.ref(column)} in (select value from json_each(${list}))`,
  listParameter: (values) => JSON.stringify(values),
  joinedText: (column, separator) =>
    sql<Uint8Array | string | null>`cast(group_concat(${sql.ref(column)}, ${separator}) as blob)`,
};

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
    prepare: (text: string) =>
      cached(text, () => sqlite.prepare(text)) as unknown as ReturnType<SqliteDatabase['prepare']>,
    prepareRaw: (text: string) => cached(`raw:${text}`, () => sqlite.prepare(text).raw(true)),
  };
}
