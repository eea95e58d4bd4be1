import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { findRecentSecurityEvents } from './staff-security-store.js';

/**
 * The overview's event reads on an analyzed SQLite log: the plan is what makes them cost the
 * window rather than the log (bench/README.md "Activity log"), so it is checked here. Two years
 * of 100 users' events, a few hundred each, as in bench/activity.mjs (whose 10 million events
 * of 1,000 staff gave the same statistics' shape), then ANALYZE: with these statistics SQLite
 * planned the burst count, asked as one statement, as a skip-scan of the (target_id, at, seq)
 * index, once per user.
 */
const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const CHAIN = 'plan-practice';
const USERS = 100;
const HISTORY = 30_000;
const TYPES = ['login.succeeded', 'logout', 'session.expired', 'login.failed', 'two_factor.succeeded'];

let dir: string;
let file: SQLite.Database;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-staff-security-'));
  const store: Store = openStore({ dataDir: dir, sqliteFile: 'plan.sqlite' });
  await migrateToLatest(store);
  await store.close();

  file = new SQLite(path.join(dir, 'plan.sqlite'));
  const insert = file.prepare(
    `insert into audit_events (id, chain_id, seq, practice_id, at, type, outcome, target_id, ip, user_agent, details, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, 'success', ?, '192.0.2.1', 'test', '{}', '', '')`,
  );
  let seq = 0;
  const event = (type: string, targetId: string | null, at: number) =>
    insert.run(`event-${++seq}`, CHAIN, seq, CHAIN, at, type, targetId);
  const refusals = (targetId: string | null, count: number, at: number) => {
    for (let i = 0; i < count; i++) event('login.failed', targetId, at + i);
  };
  file.transaction(() => {
    // Two years before the window, in time order; every user a target now and then.
    for (let i = 0; i < HISTORY; i++)
      event(
        TYPES[i % TYPES.length] as string,
        `user-${i % USERS}`,
        NOW - 730 * DAY + i * ((728 * DAY) / HISTORY),
      );
    refusals('four', 3, NOW - 2 * DAY); // before the window
    event('account.locked', 'long-ago', NOW - 8 * DAY);
    event('account.locked', 'locked', NOW - 7 * DAY);
    refusals('burst', 5, NOW - DAY);
    refusals('four', 4, NOW - DAY / 2);
    refusals(null, 6, NOW - DAY / 2); // an unknown user name
    event('account.locked', 'locked', NOW - DAY / 4);
  })();
  file.exec('analyze');
});
afterAll(() => {
  file.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('findRecentSecurityEvents on an analyzed SQLite log', () => {
  it('reads only the window of the (chain_id, type, at, seq) index, and counts bursts and lockouts in it', async () => {
    const run: CompiledQuery[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: file }),
      log: (event) => void run.push(event.query),
    });
    const found = await findRecentSecurityEvents(db, CHAIN, {
      lockedSince: NOW - 7 * DAY,
      failedSince: NOW - DAY,
      burstMin: 5,
    });
    expect([...found.failedSignInBursts]).toEqual(['burst']);
    expect([...found.recentlyLocked]).toEqual(['locked']);
    expect(found.lockouts).toBe(2);

    const plans = run.map((query) =>
      (file.prepare(`explain query plan ${query.sql}`).all(...query.parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join('; '),
    );
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan).toContain('audit_events_chain_type_at (chain_id=? AND type=? AND at>?)');
      expect(plan).not.toContain('audit_events_target_at');
    }
  });
});
