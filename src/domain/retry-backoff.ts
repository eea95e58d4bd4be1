/** How long an outbox (mail, back-channel logouts) waits before the next try: 30 s, 1 min, 2 min … */
const FIRST_RETRY_MS = 30_000;

/** The wait after `attempts` failed tries, doubling from FIRST_RETRY_MS up to `maxMs`. */
export function retryBackoffMs(attempts: number, maxMs: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), maxMs);
}
