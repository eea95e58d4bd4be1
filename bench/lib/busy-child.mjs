// A busy child process (bench/argon2-busy.mjs, bench/rs256-busy.mjs, looping with
// bench/lib/busy-loop.mjs) with the server's pool size: the limit of a figure whose cost is one
// operation on the thread pool, and the work a server's requests share the cores with.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { cpuMs } from './cpu.mjs';
import { ROOT } from './processes.mjs';

/**
 * Starts `script` (a path under the repository) doing its work `inFlight` at a time on `pool`
 * threads, until stop(); `env` is added to its environment. `done()` is the number done so far;
 * `cpuMs()` the child's CPU so far.
 */
export async function startBusy(script, { pool, inFlight = pool, env = {} }) {
  const name = path.basename(script, '.mjs');
  const busy = spawn(process.execPath, [path.join(ROOT, script)], {
    env: { ...process.env, ...env, UV_THREADPOOL_SIZE: String(pool), IN_FLIGHT: String(inFlight) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  busy.stdout.setEncoding('utf8').on('data', (chunk) => lines.push(...chunk.trim().split('\n')));
  const nextLine = async () => {
    while (lines.length === 0) {
      if (busy.exitCode !== null) throw new Error(`${name} exited with ${busy.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return lines.shift();
  };
  if ((await nextLine()) !== 'ready') throw new Error(`${name} did not start`);
  return {
    done: async () => {
      busy.kill('SIGUSR2');
      return Number(await nextLine());
    },
    cpuMs: () => cpuMs(busy.pid),
    stop: async () => {
      busy.kill('SIGTERM');
      await once(busy, 'exit');
    },
  };
}

/** Operations per second of `script` over `seconds`, `inFlight` at a time on `pool` threads. */
export async function busyRate(script, { pool, inFlight, seconds, env }) {
  const busy = await startBusy(script, { pool, inFlight, env });
  try {
    const before = { done: await busy.done(), at: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const done = await busy.done();
    return ((done - before.done) * 1000) / (performance.now() - before.at);
  } finally {
    await busy.stop();
  }
}
