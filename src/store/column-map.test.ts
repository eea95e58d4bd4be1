import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayRowReader, joinedColumns, selectionOf, type ColumnMap } from './column-map.js';
import { openStore, type Store } from './database.js';
import { migrateToLatest } from './migrate.js';

let store: Store;

beforeAll(async () => {
  store = openStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'gatehouse-column-map-')) });
  await migrateToLatest(store);
  await store.db.insertInto('rate_limits').values({ key: 'k', count: 7, expires_at: 900 }).execute();
});
afterAll(() => store.close());

// Not the table's column order, so reading by the table's positions would go wrong.
const LIMIT_FIELDS = {
  windowEnd: 'rate_limits.expires_at',
  limitKey: 'rate_limits.key',
  hits: 'rate_limits.count',
} as const satisfies ColumnMap<'rate_limits'>;

describe('column maps', () => {
  it('select each column under its field name, in the map order', () => {
    expect(selectionOf(LIMIT_FIELDS)).toEqual([
      'rate_limits.expires_at as windowEnd',
      'rate_limits.key as limitKey',
      'rate_limits.count as hits',
    ]);
  });

  it('read rows returned as arrays by field name', async () => {
    const query = store.db.selectFrom('rate_limits').select(selectionOf(LIMIT_FIELDS)).compile();
    const [values] = await store.readRowArrays(query);
    const read = arrayRowReader(LIMIT_FIELDS);
    expect(values && [read(values, 'limitKey'), read(values, 'hits'), read(values, 'windowEnd')]).toEqual([
      'k',
      7,
      900,
    ]);
  });

  it('read the same row as objects under the same names', async () => {
    const row = await store.db.selectFrom('rate_limits').select(selectionOf(LIMIT_FIELDS)).executeTakeFirst();
    expect(row).toEqual({ windowEnd: 900, limitKey: 'k', hits: 7 });
  });

  it('join maps only when no field name is in both', () => {
    const joined = joinedColumns(LIMIT_FIELDS, { practiceCode: 'practices.code' } as const);
    expect(Object.keys(joined)).toEqual(['windowEnd', 'limitKey', 'hits', 'practiceCode']);
    // @ts-expect-error: hits would read practices.code as rate_limits.count.
    joinedColumns(LIMIT_FIELDS, { hits: 'practices.code' } as const);
    // @ts-expect-error: a column the schema does not have.
    ({ hits: 'rate_limits.hits' }) as const satisfies ColumnMap;
  });
});
