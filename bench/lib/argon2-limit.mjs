// argon2id verifications of the server's parameters in a child process (bench/argon2-busy.mjs)
// with the server's pool size: the ceiling for sign-in, and the work sign-ins share the cores with.
import { busyRate, startBusy } from './busy-child.mjs';

const SCRIPT = 'bench/argon2-busy.mjs';

/**
 * Starts verifying, `inFlight` at a time on `pool` threads, until stop(). `verified()` is the
 * number done so far; `cpuMs()` the child's CPU so far.
 */
export async function startArgon2({ pool, inFlight = pool }) {
  const busy = await startBusy(SCRIPT, { pool, inFlight });
  return { verified: busy.done, cpuMs: busy.cpuMs, stop: busy.stop };
}

/**
 * Raw argon2id verifications per second on `pool` threads, with as many waiting as a server has
 * sign-ins waiting under load (`inFlight`), so that no thread waits for the next one: measured
 * with two at a time in a process with libuv's default four threads, the two cores were only
 * 181–188 % busy and the rate 5–8 % lower.
 */
export function rawVerifyRate({ pool, inFlight, seconds }) {
  return busyRate(SCRIPT, { pool, inFlight, seconds });
}
