import { PostgresAdapter, type Kysely } from 'kysely';
import type { Dialect, Executor } from './handle.js';

/**
 * Which database an executor talks to. Kysely keeps its dialect to itself, so openStore
 * registers its Kysely and each of its transactions here as it makes them.
 */
const executorDialects = new WeakMap<Executor, Dialect>();

export function registerDialect(db: Executor, dialect: Dialect): void {
  executorDialects.set(db, dialect);
}

export function dialectOf(db: Executor): Dialect {
  const dialect = executorDialects.get(db);
  if (!dialect) throw new Error('dialectOf: an executor that openStore did not make');
  return dialect;
}

/** Whether a migration's Kysely talks to PostgreSQL (migrations get a Kysely openStore did not register). */
export function migrationOnPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
