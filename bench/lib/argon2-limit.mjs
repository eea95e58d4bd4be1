// argon2id verifications of the server's parameters in a child process (bench/argon2-busy.mjs)
// with the server's pool size: the ceiling for sign-in, and the work sign-ins share the cores with.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { cpuMs } from './cpu.mjs';
import { ROOT } from './processes.mjs';

/**
 * Starts verifying, `inFlight` at a time on `pool` threads, until stop(). `verified()` is the
 * number done so far; `cpuMs()` the child's CPU so far.
 */
export async function startArgon2({ pool, inFlight = pool }) {
  const busy = spawn(process.execPath, [path.join(ROOT, 'bench/argon2-busy.mjs')], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(pool), IN_FLIGHT: String(inFlight) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  busy.stdout.setEncoding('utf8').on('data', (chunk) => lines.push(...chunk.trim().split('\n')));
  const nextLine = async () => {
    while (lines.length === 0) {
      if (busy.exitCode !== null) throw new Error(`argon2-busy exited with ${busy.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return lines.shift();
  };
  if ((await nextLine()) !== 'ready') throw new Error('argon2-busy did not start');
  return {
    verified: async () => {
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

/**
 * Raw argon2id verifications per second on `pool` threads, with as many waiting as a server has
 * sign-ins waiting under load (`inFlight`), so that no thread waits for the next one: measured
 * with two at a time in a process with libuv's default four threads, the two cores were only
 * 181–188 % busy and the rate 5–8 % lower.
 */
export async function rawVerifyRate({ pool, inFlight, seconds }) {
  const argon2 = await startArgon2({ pool, inFlight });
  try {
    const before = { verified: await argon2.verified(), at: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const verified = await argon2.verified();
    return ((verified - before.verified) * 1000) / (performance.now() - before.at);
  } finally {
    await argon2.stop();
  }
}
