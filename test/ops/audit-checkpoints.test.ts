import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { runCli } from '../support/cli.js';
import { serverProcesses, sqliteEnv } from '../support/live-accounts.js';
import { tempDataDir } from '../support/server-process.js';

/**
 * The activity log's checkpoints as an operator keeps them (docs/operations.md): the server, as
 * `npm start` runs it, writes an `audit checkpoint` line to its log; that log, kept outside the
 * database, still shows a log cut short after a database writer also deleted the checkpoint row.
 */
const servers = serverProcesses();
afterAll(servers.killAll);

describe('activity log checkpoints in the server log', () => {
  it('the server logs a signed checkpoint at start, and audit verify --checkpoints finds the log cut below it', async () => {
    const dataDir = tempDataDir();
    const env = sqliteEnv(dataDir);
    const server = await servers.start({ ...env, LOG_LEVEL: 'info' });
    // SIGTERM lets the server finish its checkpoint pass and close cleanly.
    await server.kill('SIGTERM');
    const lines = server.output().split('\n');
    const checkpointLines = lines.filter((line) => line.includes('"msg":"audit checkpoint"'));
    expect(checkpointLines).toHaveLength(1);
    const { auditCheckpoint } = JSON.parse(checkpointLines[0] ?? '') as {
      auditCheckpoint: { chainId: string; seq: number };
    };
    const kept = path.join(tempDataDir(), 'server.log');
    writeFileSync(kept, server.output());
    expect((await runCli(env, 'audit', 'verify', '--checkpoints', kept)).status).toBe(0);

    // Cut the demo practice's log by one event, its head and checkpoint row made to agree.
    const store = openStore({ dataDir });
    const { chainId, seq } = auditCheckpoint;
    const previous = await store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('chain_id', '=', chainId)
      .where('seq', '=', seq - 1)
      .executeTakeFirstOrThrow();
    await store.db
      .deleteFrom('audit_events')
      .where('chain_id', '=', chainId)
      .where('seq', '=', seq)
      .execute();
    await store.db
      .updateTable('audit_chains')
      .set({ last_seq: seq - 1, last_hash: previous.hash, prev_hash: previous.prev_hash })
      .where('chain_id', '=', chainId)
      .execute();
    await store.db.deleteFrom('audit_checkpoints').where('chain_id', '=', chainId).execute();
    await store.close();

    expect((await runCli(env, 'audit', 'verify')).status).toBe(0);
    const verify = await runCli(env, 'audit', 'verify', '--checkpoints', kept);
    expect(verify.status).toBe(3);
    expect(verify.out).toContain(`Practice DEMO: BROKEN after ${seq - 1} good events.`);
    expect(verify.out).toContain(`events ${seq} to ${seq} were removed.`);
  });
});
