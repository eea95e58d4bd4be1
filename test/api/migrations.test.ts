import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openTestStores, testDatabase, testDatabaseUrl } from '../support/test-server.js';

/** Kysely's migration lock on PostgreSQL (kysely/dist/esm/dialect/postgres/postgres-adapter.js). */
const KYSELY_MIGRATION_LOCK = '3853314791062309107';
/** Longer than the 4-second statement timeout every request connection has. */
const HOLD_MS = 5500;

let stores: Store[] = [];

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

describe.runIf(testDatabase() === 'postgres')('migrations on PostgreSQL with several instances', () => {
  it('an instance starting while another holds the migration lock waits past the request timeout, then finds nothing to do', async () => {
    stores = await openTestStores(1);
    const other = new pg.Client({ connectionString: await testDatabaseUrl() });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK})`);
      const started = Date.now();
      const migrating = migrateToLatest(stores[0] as Store);
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
      await other.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK})`);
      const result = await migrating;
      expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS);
      expect(result.results).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
