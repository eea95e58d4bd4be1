import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAuditEvent } from '../domain/audit-event.js';
import { appendAuditEvent } from './audit-store.js';
import { openStore, type Store } from './database.js';
import { migrateToLatest } from './migrate.js';

let store: Store;

beforeAll(async () => {
  store = openStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'gatehouse-feed-')) });
  await migrateToLatest(store);
});
afterAll(async () => {
  await store.close();
});

const event = (type: NewAuditEvent['type']): NewAuditEvent => ({
  practiceId: null,
  type,
  outcome: 'failure',
  actor: null,
  target: null,
  ip: '192.0.2.1',
  userAgent: 'test',
  details: {},
  at: Date.now(),
});

describe('committed audit events', () => {
  it('are announced after commit, in order, and never for a rolled-back transaction', async () => {
    const heard: NewAuditEvent[][] = [];
    const unsubscribe = store.onAuditEventsCommitted((events) => heard.push([...events]));

    await expect(
      store.transaction(async (trx) => {
        appendAuditEvent(trx, event('login.failed'));
        expect(heard).toEqual([]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(heard).toEqual([]);

    await store.transaction(async (trx) => {
      appendAuditEvent(trx, event('login.failed'));
      appendAuditEvent(trx, event('account.locked'));
      expect(heard).toEqual([]);
    });
    expect(heard.map((events) => events.map((e) => e.type))).toEqual([['login.failed', 'account.locked']]);

    unsubscribe();
    await store.transaction(async (trx) => appendAuditEvent(trx, event('logout')));
    expect(heard).toHaveLength(1);
  });

  it('are recorded only inside store.transaction(), before its end: never lost outside one', async () => {
    expect(() => appendAuditEvent(store.db, event('logout'))).toThrow(/only inside store.transaction/);
    await store.db.transaction().execute(async (trx) => {
      expect(() => appendAuditEvent(trx, event('logout'))).toThrow(/only inside store.transaction/);
    });
    const ended = await store.transaction(async (trx) => trx);
    expect(() => appendAuditEvent(ended, event('logout'))).toThrow(/only inside store.transaction/);
  });
});
