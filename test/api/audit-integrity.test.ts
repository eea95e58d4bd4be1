import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { checkpointKeysOf } from '../../src/domain/audit-checkpoint.js';
import { audit } from '../../src/services/activity/audit.js';
import { verifyChain } from '../../src/services/activity/audit-verification.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testDatabase,
  testDatabaseUrl,
  TEST_SECRET_KEY,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** Tamper evidence (L4): the hash chain, `audit verify`, `audit export` and GET /api/activity/integrity. */
let env: NodeJS.ProcessEnv;
let stores: Store[];
let server: TestServer;
let practice: TestPractice;
let adminClient: HttpClient;

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-audit-'));
  env = {
    ...(testDatabase() === 'postgres' ? { DATABASE_URL: await testDatabaseUrl() } : { DATA_DIR: dataDir }),
    // The server's key: `audit verify` checks the checkpoints signed under it.
    GATEHOUSE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
  };
  // Two instances share PostgreSQL. SQLite has one writer per file (one instance): two handles
  // in one process would block each other's synchronous busy wait, so both writers share one.
  const first = openStore({ databaseUrl: env.DATABASE_URL, dataDir });
  stores =
    testDatabase() === 'postgres' ? [first, openStore({ databaseUrl: env.DATABASE_URL, dataDir })] : [first];
  await migrateToLatest(stores[0] as Store);
  server = await startTestServer({ store: stores[0] as Store });
  practice = await seedPractice(server.deps);
  const admin = await seedUser(server.deps, practice, { username: 'auditor', roles: ['practice_admin'] });
  adminClient = await signedInClient(server.url, practice.code, admin);
});
afterAll(async () => {
  await server.close();
  for (const store of stores) await store.close();
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const status = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env });
  return { status, out, err };
}

const eventsTable = () => (stores[0] as Store).db;
const checkpoints = { keys: checkpointKeysOf([TEST_SECRET_KEY]) };

async function eventAt(seq: number) {
  return eventsTable()
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_id', '=', practice.practiceId)
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
}

describe('hash chain', () => {
  it('stays one valid chain per practice when two instances write at once', async () => {
    const write = (store: Store, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.transaction((trx) =>
            audit(trx, {
              practiceId: practice.practiceId,
              type: 'logout',
              outcome: 'success',
              actor: null,
              origin: { ip: `10.0.0.${i}`, userAgent: 'writer' },
              at: Date.now(),
              details: { i },
            }),
          ),
        ),
      );
    await Promise.all([write(stores[0] as Store, 25), write(stores.at(-1) as Store, 25)]);
    const report = await verifyChain(eventsTable(), practice.practiceId, checkpoints);
    expect(report.broken).toBeNull();
    expect(report.checked).toBeGreaterThanOrEqual(50);

    const verify = await cli('audit', 'verify', '--practice', practice.code);
    expect(verify.status).toBe(0);
    expect(verify.out).toMatch(new RegExp(`Practice ${practice.code}: \\d+ events, intact\\.`));
    const integrity = await adminClient.get<{ valid: boolean; checked: number }>('/api/activity/integrity');
    expect(integrity.body).toMatchObject({ valid: true, broken: null });
    expect(integrity.body.checked).toBe(report.checked);
  });

  it('hashes in the database what verification hashes in JavaScript, whatever the text, and continues a head written before prev_hash', async () => {
    const store = stores[0] as Store;
    const append = (userAgent: string, details: Record<string, string | number | boolean | null>) =>
      store.transaction((trx) =>
        audit(trx, {
          practiceId: practice.practiceId,
          type: 'logout',
          outcome: 'success',
          actor: { id: 'u"1\\', username: 'zoë' },
          origin: { ip: '2001:db8::1', userAgent },
          at: Date.now(),
          details,
        }),
      );
    await append('Mozilla/5.0 "quoted" \\ \u2028 日本語 😀', { z: null, a: true, n: -1.5, s: '[,]"\n' });
    // A head from before migration 0007 has no prev_hash; the next append must not need one.
    await store.db
      .updateTable('audit_chains')
      .set({ prev_hash: null })
      .where('chain_id', '=', practice.practiceId)
      .execute();
    await append('Zoë’s browser', {});
    const head = await store.db
      .selectFrom('audit_chains')
      .selectAll()
      .where('chain_id', '=', practice.practiceId)
      .executeTakeFirstOrThrow();
    const last = await eventAt(Number(head.last_seq));
    expect(last.user_agent).toBe('Zoë’s browser');
    expect([head.prev_hash, head.last_hash]).toEqual([last.prev_hash, last.hash]);
    expect((await eventAt(Number(head.last_seq) - 1)).hash).toBe(last.prev_hash);
    expect((await verifyChain(eventsTable(), practice.practiceId, checkpoints)).broken).toBeNull();
  });

  it('names an event changed in the database, and detects a deleted one', async () => {
    const victim = await eventAt(10);
    await eventsTable()
      .updateTable('audit_events')
      .set({ ip: '6.6.6.6' })
      .where('id', '=', victim.id)
      .execute();
    const verify = await cli('audit', 'verify', '--practice', practice.code);
    expect(verify.status).toBe(3);
    expect(verify.out).toContain(`Event ${victim.id} (number 10) was changed after it was recorded.`);
    const integrity = await adminClient.get<{ valid: boolean; broken: { eventId: string; problem: string } }>(
      '/api/activity/integrity',
    );
    expect(integrity.body).toMatchObject({
      valid: false,
      checked: 9,
      broken: { problem: 'content_changed', eventId: victim.id, seq: 10 },
    });
    await eventsTable()
      .updateTable('audit_events')
      .set({ ip: victim.ip })
      .where('id', '=', victim.id)
      .execute();
    expect((await verifyChain(eventsTable(), practice.practiceId, checkpoints)).broken).toBeNull();

    const gone = await eventAt(20);
    await eventsTable().deleteFrom('audit_events').where('id', '=', gone.id).execute();
    const json = await cli('audit', 'verify', '--practice', practice.code, '--json');
    expect(json.status).toBe(3);
    expect(JSON.parse(json.out)).toMatchObject({
      valid: false,
      chains: [{ chainId: practice.practiceId, broken: { problem: 'missing_event', seq: 20 } }],
    });
    await eventsTable().insertInto('audit_events').values(gone).execute();

    const head = await eventsTable()
      .selectFrom('audit_chains')
      .select('last_seq')
      .where('chain_id', '=', practice.practiceId)
      .executeTakeFirstOrThrow();
    const newest = await eventAt(Number(head.last_seq));
    await eventsTable().deleteFrom('audit_events').where('id', '=', newest.id).execute();
    expect((await verifyChain(eventsTable(), practice.practiceId, checkpoints)).broken).toMatchObject({
      problem: 'missing_event',
      seq: Number(head.last_seq),
    });
    await eventsTable().insertInto('audit_events').values(newest).execute();
    expect((await verifyChain(eventsTable(), practice.practiceId, checkpoints)).broken).toBeNull();
  });

  it('offers no route that edits or deletes events', async () => {
    const before = await verifyChain(eventsTable(), practice.practiceId, checkpoints);
    const { id } = await eventAt(5);
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST'])
      for (const target of ['/api/activity', `/api/activity/${id}`])
        expect((await adminClient.request(method, target, method === 'DELETE' ? undefined : {})).status).toBe(
          404,
        );
    const after = await verifyChain(eventsTable(), practice.practiceId, checkpoints);
    expect(after.broken).toBeNull();
    expect(after.checked).toBeGreaterThan(before.checked - 1);
  });
});

describe('gatehouse audit export', () => {
  it('writes the same CSV as the API to a file, and filtered to stdout, and records the export', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-export-')), 'log.csv');
    const written = await cli('audit', 'export', '--practice', practice.code, '--output', file);
    expect(written.status).toBe(0);
    const csv = readFileSync(file, 'utf8');
    const api = await adminClient.get('/api/activity/export.csv');
    // Each export records itself (activity.viewed; the CLI's with no actor); all else is the same.
    const others = (text: string) => text.split('\r\n').filter((row) => !row.includes('"activity.viewed"'));
    expect(others(api.text)).toEqual(others(csv));
    expect(others(csv).length).toBeGreaterThan(50);
    expect(csv).toMatch(/"activity\.viewed","success","","",/);

    const filtered = await cli(
      'audit',
      'export',
      '--practice',
      practice.code,
      '--type',
      'logout',
      '--outcome',
      'success',
    );
    expect(filtered.status).toBe(0);
    const rows = filtered.out.split('\r\n').slice(1, -1);
    expect(rows.length).toBeGreaterThanOrEqual(50);
    for (const row of rows) expect(row).toContain('"logout","success"');

    const bad = await cli('audit', 'export', '--practice', practice.code, '--from', 'last week');
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('option --from');
    expect((await cli('audit', 'export', '--practice', 'NO-SUCH-CODE')).status).toBe(2);
  });
});
