import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { openStore } from '../../src/store/database.js';
import { logIn, seedLiveAccounts, serverProcesses, sqliteEnv } from '../support/live-accounts.js';
import type { SeededAccount } from '../support/seed-accounts.js';
import { tempDataDir } from '../support/server-process.js';

/**
 * `npm start` sizes libuv's thread pool, where argon2 runs, from UV_THREADPOOL_SIZE or the
 * cores (src/server.cts). libuv reads the size once, when the pool first starts, so setting it
 * too late does nothing: the ES-module entry did exactly that and left libuv's default 4 threads
 * hashing on 2 cores. Seen from outside: after many concurrent sign-ins, the number of the
 * server's threads that did the hashing is the size asked for (Linux /proc).
 */
const servers = serverProcesses();
afterAll(servers.killAll);

/** CPU time (clock ticks) of each thread of a process but its main thread, by thread id. */
function threadTicks(pid: number): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (tid === String(pid)) continue;
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    ticks.set(tid, Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

describe('the thread pool for password hashing', () => {
  it('has as many threads as cores (at least 2) when UV_THREADPOOL_SIZE is not set: that many threads hash', async () => {
    const size = configFromEnv({}).threadPoolSize;
    const dataDir = tempDataDir();
    const seeded = await seedLiveAccounts(openStore({ dataDir }), 8);
    // Empty: not set (whatever this test process has), so the server picks the size itself.
    const server = await servers.start({ ...sqliteEnv(dataDir), UV_THREADPOOL_SIZE: '' });
    const pid = server.child.pid ?? 0;
    const before = threadTicks(pid);
    // 32 sign-ins at once: each is one argon2 verification, queued on the pool.
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        logIn(server, seeded.code, seeded.accounts[i % 8] as SeededAccount),
      ),
    );
    expect(answers.every(({ response }) => response.status === 200)).toBe(true);
    const spent = [...threadTicks(pid)].map(([tid, ticks]) => ticks - (before.get(tid) ?? 0));
    const busiest = Math.max(...spent);
    // 32 verifications of ~15 ms each: hundreds of ms for the pool; the other threads (V8's
    // helpers) a few ticks at most.
    expect(busiest).toBeGreaterThanOrEqual(10);
    const hashing = spent.filter((ticks) => ticks >= busiest / 3);
    expect(hashing).toHaveLength(size);
  });
});
