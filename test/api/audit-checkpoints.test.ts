import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { checkpointKeysOf, type CheckpointKeys } from '../../src/domain/audit-checkpoint.js';
import { audit } from '../../src/services/activity/audit.js';
import {
  startAuditCheckpoints,
  writeAuditCheckpoints,
} from '../../src/services/activity/audit-checkpoints.js';
import { verifyChain } from '../../src/services/activity/audit-verification.js';
import { listCheckpoints } from '../../src/store/audit-checkpoint-store.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { signedInClient } from '../support/http-client.js';
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

/**
 * Truncation, rollback and deletion of a practice's log (L6): signed checkpoints in the
 * database, in the server log and printed by `gatehouse audit checkpoint`, checked by
 * `gatehouse audit verify` and GET /api/activity/integrity. Each attack here verified as
 * intact before checkpoints existed.
 */
let env: NodeJS.ProcessEnv;
let stores: Store[];
let server: TestServer;
const logLines: string[] = [];
const keys = checkpointKeysOf([TEST_SECRET_KEY]);
const quiet = { info: () => undefined, warn: () => undefined };

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-checkpoints-'));
  env = {
    ...(testDatabase() === 'postgres' ? { DATABASE_URL: await testDatabaseUrl() } : { DATA_DIR: dataDir }),
    GATEHOUSE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
  };
  // Two instances share PostgreSQL; SQLite has one writer per file (see audit-integrity.test.ts).
  const first = openStore({ databaseUrl: env.DATABASE_URL, dataDir });
  stores =
    testDatabase() === 'postgres' ? [first, openStore({ databaseUrl: env.DATABASE_URL, dataDir })] : [first];
  await migrateToLatest(first);
  server = await startTestServer({ store: first, logLines });
});
afterAll(async () => {
  await server.close();
  for (const store of stores) await store.close();
});

const db = () => (stores[0] as Store).db;

async function cli(...argv: string[]) {
  return cliWith(env, ...argv);
}

async function cliWith(cliEnv: NodeJS.ProcessEnv, ...argv: string[]) {
  let out = '';
  let err = '';
  const status = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env: cliEnv });
  return { status, out, err };
}

async function appendEvents(practice: TestPractice, count: number) {
  await (stores[0] as Store).transaction(async (trx) => {
    for (let i = 0; i < count; i++)
      await audit(trx, {
        practiceId: practice.practiceId,
        type: 'logout',
        outcome: 'success',
        actor: null,
        origin: { ip: '10.0.0.1', userAgent: 'writer' },
        at: Date.now(),
        details: { i },
      });
  });
}

async function headSeq(practice: TestPractice): Promise<number> {
  const head = await db()
    .selectFrom('audit_chains')
    .select('last_seq')
    .where('chain_id', '=', practice.practiceId)
    .executeTakeFirstOrThrow();
  return Number(head.last_seq);
}

/** What a database writer does to cut a log short unnoticed by the chain: events and head both. */
async function cutLogAfter(practice: TestPractice, seq: number) {
  const last = await db()
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_id', '=', practice.practiceId)
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
  await db()
    .deleteFrom('audit_events')
    .where('chain_id', '=', practice.practiceId)
    .where('seq', '>', seq)
    .execute();
  await db()
    .updateTable('audit_chains')
    .set({ last_seq: seq, last_hash: last.hash, prev_hash: last.prev_hash })
    .where('chain_id', '=', practice.practiceId)
    .execute();
}

async function deleteCheckpointRow(practice: TestPractice) {
  await db().deleteFrom('audit_checkpoints').where('chain_id', '=', practice.practiceId).execute();
}

function fileWith(lines: readonly string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-kept-')), 'checkpoints.jsonl');
  writeFileSync(file, lines.join(''));
  return file;
}

/** The server's pass, as main.ts starts it: now, then every few minutes; stopped after the first. */
async function serverPass(checkpointKeys: CheckpointKeys = keys) {
  await startAuditCheckpoints(
    { store: stores[0] as Store, clock: server.clock },
    { keys: checkpointKeys, logger: server.app.log },
  ).stop();
}

describe('audit checkpoints', () => {
  it('detects the newest events deleted and the chain head moved back below a signed checkpoint', async () => {
    const practice = await seedPractice(server.deps);
    const admin = await seedUser(server.deps, practice, { username: 'auditor', roles: ['practice_admin'] });
    const client = await signedInClient(server.url, practice.code, admin);
    await appendEvents(practice, 10);
    const newest = await headSeq(practice);
    // Every instance writes on its own timer, at once: duplicates are harmless.
    const twice = stores.length > 1 ? stores : [stores[0] as Store, stores[0] as Store];
    await Promise.all(
      twice.map((store) => writeAuditCheckpoints({ store, clock: server.clock }, { keys, logger: quiet })),
    );
    const intact = await cli('audit', 'verify', '--practice', practice.code);
    expect(intact.status).toBe(0);
    expect(intact.out).toContain(`events, intact. Newest checkpoint: event ${newest}, signed `);

    await cutLogAfter(practice, newest - 3);
    const verify = await cli('audit', 'verify', '--practice', practice.code);
    expect(verify.status).toBe(3);
    expect(verify.out).toContain(`events ${newest - 2} to ${newest} were removed.`);
    const integrity = await client.get('/api/activity/integrity');
    expect(integrity.body).toMatchObject({
      valid: false,
      broken: { problem: 'truncated', seq: newest - 2 },
      checkpoint: { seq: newest },
    });
    // The server never signs a head behind its checkpoint: the evidence stays.
    await serverPass();
    expect((await verifyChain(db(), practice.practiceId, { keys })).broken).toMatchObject({
      problem: 'truncated',
    });
  });

  it('detects a log truncated to its first 100 events, and from the server log and printed checkpoints once the checkpoint row is gone too', async () => {
    const practice = await seedPractice(server.deps);
    await appendEvents(practice, 120);
    const newest = await headSeq(practice);
    logLines.length = 0;
    await serverPass();
    const serverLog = fileWith(logLines.filter((line) => line.includes(practice.practiceId)));
    const printed = await cli('audit', 'checkpoint');
    expect(printed.status).toBe(0);
    const kept = fileWith(printed.out.split(/(?<=\n)/));
    expect(
      JSON.parse(printed.out.split('\n').find((line) => line.includes(practice.practiceId)) ?? ''),
    ).toMatchObject({
      chainId: practice.practiceId,
      seq: newest,
    });

    await cutLogAfter(practice, 100);
    const fromDatabase = await cli('audit', 'verify', '--practice', practice.code, '--json');
    expect(fromDatabase.status).toBe(3);
    expect(JSON.parse(fromDatabase.out)).toMatchObject({
      valid: false,
      chains: [{ checked: 100, broken: { problem: 'truncated', seq: 101 } }],
    });

    // A writer who also deletes the checkpoint row leaves the database consistent; the copies
    // kept elsewhere still know the log's end.
    await deleteCheckpointRow(practice);
    expect((await cli('audit', 'verify', '--practice', practice.code)).status).toBe(0);
    for (const file of [serverLog, kept]) {
      const verify = await cli('audit', 'verify', '--practice', practice.code, '--checkpoints', file);
      expect(verify.status).toBe(3);
      expect(verify.out).toContain(`The log ends at event 100, but a checkpoint signed`);
      expect(verify.out).toContain(`events 101 to ${newest} were removed.`);
    }
  });

  it('detects a practice whose events were deleted together with its chain head', async () => {
    const practice = await seedPractice(server.deps);
    const admin = await seedUser(server.deps, practice, { username: 'auditor', roles: ['practice_admin'] });
    const client = await signedInClient(server.url, practice.code, admin);
    await writeAuditCheckpoints({ store: stores[0] as Store, clock: server.clock }, { keys, logger: quiet });
    const newest = await headSeq(practice);
    const kept = fileWith((await cli('audit', 'checkpoint')).out.split(/(?<=\n)/));

    await db().deleteFrom('audit_events').where('chain_id', '=', practice.practiceId).execute();
    await db().deleteFrom('audit_chains').where('chain_id', '=', practice.practiceId).execute();
    const chainOf = async (...options: string[]) => {
      const verify = await cli('audit', 'verify', '--json', ...options);
      expect(verify.status).toBe(3);
      const { chains } = JSON.parse(verify.out) as { chains: { chainId: string; broken: unknown }[] };
      return chains.find((chain) => chain.chainId === practice.practiceId);
    };
    expect(await chainOf()).toMatchObject({ broken: { problem: 'no_chain' }, checkpoint: { seq: newest } });
    // Without its checkpoint row the practice itself still says that a log must exist.
    await deleteCheckpointRow(practice);
    expect(await chainOf()).toMatchObject({ checked: 0, broken: { problem: 'no_chain' }, checkpoint: null });
    expect(await chainOf('--checkpoints', kept)).toMatchObject({ broken: { problem: 'no_chain' } });
    const integrity = await client.get('/api/activity/integrity');
    expect(integrity.body).toMatchObject({ valid: false, checked: 0, broken: { problem: 'no_chain' } });
  });

  it('refuses a forged checkpoint, and checks one signed before a key rotation with the previous key', async () => {
    const practice = await seedPractice(server.deps);
    const check = async (checkpointKeys: CheckpointKeys) =>
      (await verifyChain(db(), practice.practiceId, { keys: checkpointKeys })).broken;
    await serverPass();
    expect(await check(keys)).toBeNull();

    const newKey = randomBytes(32);
    const rotated = checkpointKeysOf([newKey, TEST_SECRET_KEY]);
    const [newOnly] = rotated;
    expect(await check(rotated)).toBeNull();
    expect(await check([newOnly])).toMatchObject({ problem: 'checkpoint_unknown_key' });
    const keptBefore = (await cli('audit', 'checkpoint')).out;
    // Re-signed under the new key at the server's next pass, though the log did not move.
    await serverPass(rotated);
    expect(await check([newOnly])).toBeNull();
    // The kept file with the re-signed checkpoints appended (keys-and-backup.md, rotation step 4):
    // the new key alone checks it, the later line counting at the same event.
    const resigned = (await listCheckpoints(db())).map((checkpoint) => `${JSON.stringify(checkpoint)}\n`);
    const newKeyOnly = { ...env, GATEHOUSE_SECRET_KEY: newKey.toString('base64') };
    const verifyKept = (lines: readonly string[]) =>
      cliWith(newKeyOnly, 'audit', 'verify', '--practice', practice.code, '--checkpoints', fileWith(lines));
    expect(await verifyKept([keptBefore, ...resigned])).toMatchObject({ status: 0 });
    expect((await verifyKept([keptBefore])).out).toContain('set the key it was signed with');
    await serverPass(keys);

    // Lowering the checkpoint to match a cut log breaks its signature.
    await db()
      .updateTable('audit_checkpoints')
      .set((eb) => ({ seq: eb('seq', '-', 1) }))
      .where('chain_id', '=', practice.practiceId)
      .execute();
    expect(await check(keys)).toMatchObject({ problem: 'checkpoint_forged' });
    const bad = fileWith(['{"msg":"audit checkpoint","auditCheckpoint":{"chainId":"x","seq":"1"}}\n']);
    const verify = await cli('audit', 'verify', '--checkpoints', bad);
    expect(verify.status).toBe(2);
    expect(verify.err).toContain('Line 1 of');
  });
});
