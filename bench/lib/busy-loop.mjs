// The loop of a busy child process (bench/argon2-busy.mjs, bench/rs256-busy.mjs), read by
// bench/lib/busy-child.mjs: `work` IN_FLIGHT at a time (default: one per pool thread,
// UV_THREADPOOL_SIZE) until SIGTERM. Prints "ready" once the first is done, and the number done
// so far on SIGUSR2.

/** Runs `work` (a function returning a promise) over and over until SIGTERM. */
export async function runBusy(work) {
  const inFlight = Number(process.env.IN_FLIGHT ?? process.env.UV_THREADPOOL_SIZE ?? 2);
  let done = 0;
  let stopped = false;
  process.on('SIGTERM', () => (stopped = true));
  process.on('SIGUSR2', () => process.stdout.write(`${done}\n`));
  await work();
  process.stdout.write('ready\n');
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (!stopped) {
        await work();
        done++;
      }
    }),
  );
}
