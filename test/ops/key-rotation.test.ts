import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { runCli } from '../support/cli.js';
import {
  enrolTotpNow,
  keepWriting,
  seedLiveAccounts,
  serverProcesses,
  signInWithLaterCode,
  sqliteEnv,
} from '../support/live-accounts.js';
import type { SeededAccount } from '../support/seed-accounts.js';
import { tempDataDir } from '../support/server-process.js';

/**
 * `gatehouse keys rotate` on SQLite while a server process signs people in: the command's
 * writes wait their turn behind the server's (test/api/key-rotation.test.ts covers the rest of
 * rotation on both databases, with servers in the test's process).
 */
const servers = serverProcesses();
afterAll(servers.killAll);

describe('SQLite: gatehouse keys rotate while a server process writes', () => {
  it('re-encrypts every secret between the server’s writes; the server, reading both keys, signs everyone in', async () => {
    const dataDir = tempDataDir();
    const seeded = await seedLiveAccounts(openStore({ dataDir }), 5);
    const [first, second, third, ...writers] = seeded.accounts as [SeededAccount, ...SeededAccount[]];
    const enrolled = [first, second, third] as SeededAccount[];
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    // Step 2 of the documented procedure: still sealing with the old key, already reading the new.
    const server = await servers.start({
      ...sqliteEnv(dataDir),
      GATEHOUSE_SECRET_KEY: oldKey,
      GATEHOUSE_PREVIOUS_SECRET_KEY: newKey,
    });
    const secrets = new Map<SeededAccount, string>();
    for (const user of enrolled) secrets.set(user, await enrolTotpNow(server, seeded.code, user));

    const writing = keepWriting(server, seeded.code, writers);
    await writing.reached(3);
    const rotateEnv = {
      ...sqliteEnv(dataDir),
      GATEHOUSE_SECRET_KEY: newKey,
      GATEHOUSE_PREVIOUS_SECRET_KEY: oldKey,
    };
    const run = await runCli(rotateEnv, 'keys', 'rotate', '--batch-size', '1', '--json');
    await writing.stop();
    expect(run.err).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ reencrypted: 3, remaining: 0, unreadable: 0 });
    for (const user of enrolled)
      expect(await signInWithLaterCode(server, seeded.code, user, secrets.get(user) ?? '')).toBe(200);
  });
});
