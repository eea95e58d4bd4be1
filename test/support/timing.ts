import { Worker } from 'node:worker_threads';

/**
 * The timing test of the enumeration checks (T4 sign-in, R1 forgotten password): requests about
 * an existing account and about an unknown one, sent in turn, must take the same median time.
 * Medians, because a loaded machine adds rare long stalls that would swamp a mean.
 *
 * The requests go out from a worker thread and are timed there, as by a caller outside the
 * server: the test's server shares this thread, and work it does after answering (a queued
 * job) would otherwise hold up reading the answer and be counted.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A fetch run on its own thread, remembering how long the last request took there. */
export interface OutsideCaller {
  readonly fetch: typeof fetch;
  lastElapsedMs(): number;
  close(): Promise<void>;
}

interface Answer {
  readonly ms: number;
  readonly status: number;
  readonly headers: [string, string][];
  readonly text: string;
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, init }) => {
  const start = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const ms = performance.now() - start;
  parentPort.postMessage({ ms, status: response.status, headers: [...response.headers], text });
});`;

export function outsideCaller(): OutsideCaller {
  const worker = new Worker(WORKER, { eval: true });
  let last = Number.NaN;
  let pending: ((answer: Answer) => void) | undefined;
  worker.on('message', (answer: Answer) => pending?.(answer));
  const send = async (url: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    // One request at a time, as the comparison sends them; init is plain data (HttpClient's).
    const answer = await new Promise<Answer>((resolve) => {
      pending = resolve;
      worker.postMessage({ url: String(url), init });
    });
    last = answer.ms;
    return new Response(answer.text === '' ? null : answer.text, {
      status: answer.status,
      headers: answer.headers,
    });
  };
  return {
    fetch: send as typeof fetch,
    lastElapsedMs: () => last,
    close: async () => void (await worker.terminate()),
  };
}

/** One kind of request: sends request `round` (negative during the warm-up) through the caller. */
export interface TimedKind<T> {
  send(round: number): Promise<T>;
  /** Runs on every measured answer, outside the timing. */
  check?(answer: T): void;
}

export interface MedianComparison {
  /** |median A − median B| / the smaller median. */
  readonly relativeDifference: number;
  /** Both medians, for the assertion's message. */
  readonly summary: string;
}

/**
 * Sends `warmUp` unmeasured rounds, then `rounds` measured ones, of both kinds (each through
 * `caller`), alternating which goes first so drift in machine load hits both alike. `settle`
 * (e.g. letting queued work finish) runs after every request, before the next.
 */
export async function compareMedianTimes<A, B>(options: {
  readonly caller: OutsideCaller;
  readonly rounds: number;
  readonly warmUp: number;
  readonly a: TimedKind<A>;
  readonly b: TimedKind<B>;
  readonly settle?: () => Promise<void>;
}): Promise<MedianComparison> {
  const timesA: number[] = [];
  const timesB: number[] = [];
  const once = async <T>(kind: TimedKind<T>, round: number, times: number[]) => {
    const answer = await kind.send(round);
    const elapsed = options.caller.lastElapsedMs();
    await options.settle?.();
    if (round < 0) return;
    times.push(elapsed);
    kind.check?.(answer);
  };
  for (let round = -options.warmUp; round < options.rounds; round++) {
    if (round % 2 === 0) {
      await once(options.a, round, timesA);
      await once(options.b, round, timesB);
    } else {
      await once(options.b, round, timesB);
      await once(options.a, round, timesA);
    }
  }
  const a = median(timesA);
  const b = median(timesB);
  return {
    relativeDifference: Math.abs(a - b) / Math.min(a, b),
    summary: `medians ${a.toFixed(2)} ms vs ${b.toFixed(2)} ms`,
  };
}
