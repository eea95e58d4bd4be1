import { createHash } from 'node:crypto';
import {
  Kysely,
  PostgresDialect,
  sql,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import pg from 'pg';
import { boundedCache } from '../../domain/bounded-cache.js';
import type { DialectSql, Store } from '../handle.js';
import type { Database } from '../schema.js';
import { transactionsOf } from './transactions.js';

/**
 * The PostgreSQL engine: a pool of connections with timeouts (an outage answers 503, never
 * hangs), bigint read as a number, and every data statement sent as a named prepared statement.
 * Everything PostgreSQL-specific is here; the SQLite engine is engine/sqlite.ts, and openStore
 * (database.ts) picks one.
 */
export function openPostgres(connectionString: string, poolSize: number): Store {
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
  return {
    db,
    dialect: 'postgres',
    sql: POSTGRES_SQL,
    ...transactionsOf(db, 'postgres'),
    readRowArrays: async <Row extends readonly unknown[]>(query: {
      sql: string;
      parameters: readonly unknown[];
    }) => {
      const result = await pool.query({
        name: statementName(query.sql),
        text: query.sql,
        values: query.parameters as unknown[],
        rowMode: 'array',
      });
      return result.rows as unknown as Row[];
    },
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
    // Two reads out at once: one slow round trip does not hold up every request.
    parallelReads: 2,
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => db.destroy(),
    poolState: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

const POSTGRES_SQL: DialectSql = {
  isInList: (column, list) => sql<boolean>`${sql.ref(column)} = any(${list}::text[])`,
  listParameter: (values) => values,
  joinedText: (column, separator) =>
    sql<Uint8Array | string | null>`string_agg(${sql.ref(column)}, ${separator})`,
};

/** Waits at most this long for a PostgreSQL connection or statement, so an outage answers 503, never hangs. */
const PG_TIMEOUT_MS = 4000;

// Integer milliseconds are stored as bigint; they fit a JS number until the year 287396.
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Names already computed: the same texts come back on every request. */
const statementNames = boundedCache<string, string>(1024);

/** A prepared statement's name on every connection: a hash of its text. */
function statementName(text: string): string {
  return statementNames(text, () => `gh_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`);
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
