/**
 * CPU-heavy synchronous work on the event loop, one piece per turn of the loop.
 *
 * A password's strength check (zxcvbn with fuzzy dictionary matching, domain/password-policy.ts)
 * costs 50–350 ms of the event loop. Run where each request reaches it, a burst's checks ran
 * back to back in one turn: 20 administrators' resets at once held the loop for 5–7 s, during
 * which no database answer was read, so transactions sat idle holding their connections and
 * the PostgreSQL client's own timers expired: 503s (test/api/busy-practice.test.ts). Queued
 * here, each check runs in a turn of its own, after the loop has read its sockets and run its
 * timers, so the loop is never held longer than one check. The total work is the same.
 */
let queue: Promise<unknown> = Promise.resolve();

/** Runs fn in an event-loop turn of its own, after everything queued before it. */
export function inOwnTurn<T>(fn: () => T): Promise<T> {
  const turn = queue.then(
    () =>
      new Promise<T>((resolve, reject) =>
        // An immediate queued while the loop runs immediates waits for the loop's next turn.
        setImmediate(() => {
          try {
            resolve(fn());
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }),
      ),
  );
  queue = turn.catch(() => undefined);
  return turn;
}
