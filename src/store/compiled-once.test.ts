import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, sql, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOnce } from './compiled-once.js';
import { openStore, type Store } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

let store: Store;

beforeAll(async () => {
  store = openStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'gatehouse-compiled-once-')) });
  await migrateToLatest(store);
  await store.db
    .insertInto('rate_limits')
    .values([
      { key: 'a', count: 1, expires_at: 100 },
      { key: 'b', count: 2, expires_at: 200 },
      { key: 'c', count: 3, expires_at: 200 },
    ])
    .execute();
});
afterAll(async () => {
  await store.close();
});

describe('compiledOnce', () => {
  it("builds once, binds each call's values by name and keeps the statement's own constants", async () => {
    let builds = 0;
    const countAbove = compiledOnce(['expiresAt', 'key'], (db, v: { expiresAt: number; key: string }) => {
      builds++;
      return db
        .selectFrom('rate_limits')
        .select('key')
        .where('count', '>=', 2)
        .where('expires_at', '=', v.expiresAt)
        .where((eb) => eb.or([eb('key', '=', v.key), eb('key', '=', 'c')]));
    });
    const keys = async (expiresAt: number, key: string) =>
      (await countAbove(store.db, { expiresAt, key })).rows.map((row) => row.key).sort();

    expect(await keys(200, 'b')).toEqual(['b', 'c']);
    expect(await keys(200, 'a')).toEqual(['c']);
    expect(await keys(100, 'a')).toEqual([]);
    // The same statement inside a transaction, where the values bind to the same text.
    expect(await store.transaction((trx) => countAbove(trx, { expiresAt: 200, key: 'b' }))).toMatchObject({
      rows: [{ key: 'b' }, { key: 'c' }],
    });
    expect(builds).toBe(1);
  });

  it('refuses a statement that writes a value into its text rather than passing it as a parameter', async () => {
    const inlined = compiledOnce(['key'], (db, v: { key: string }) =>
      db
        .selectFrom('rate_limits')
        .select('key')
        .where('key', '=', sql.raw<string>(`'${v.key}'`)),
    );
    await expect(inlined(store.db, { key: 'a' })).rejects.toThrow('key not passed as parameters');
    const literal = compiledOnce(['key'], (db, v: { key: string }) =>
      db.selectFrom('rate_limits').select('key').where('key', '=', sql.lit(v.key)),
    );
    await expect(literal(store.db, { key: 'a' })).rejects.toThrow();
  });

  it('refuses values it has no stand-in for: an insert would drop their columns', async () => {
    const insert = compiledOnce(
      ['key', 'count'],
      (db, row: { key: string; count: number; expires_at: number }) =>
        db.insertInto('rate_limits').values(row),
    );
    await expect(insert(store.db, { key: 'd', count: 1, expires_at: 300 })).rejects.toThrow(
      'no stand-in for expires_at',
    );
  });

  it('runs only on executors whose database openStore registered', async () => {
    const other = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    const select = compiledOnce(['key'], (db, v: { key: string }) =>
      db.selectFrom('rate_limits').select('key').where('key', '=', v.key),
    );
    await expect(select(other, { key: 'a' })).rejects.toThrow('an executor that openStore did not make');
    await other.destroy();
  });
});
