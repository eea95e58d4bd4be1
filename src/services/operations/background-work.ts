import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Work a request hands off so that its answer neither waits for it nor tells, by its timing,
 * what the work found (R1: forgotten password and practice code answer 202 before looking the
 * account up). One queue per server instance:
 *
 * - a job is queued at once (so drain() sees it) but starts only once `after` has settled —
 *   for a request, once its answer has left — and on a later turn of the event loop: on
 *   SQLite, whose queries are synchronous, an earlier start would hold the answer back;
 * - jobs run one at a time, in the order queued; each commits its own writes (the job's
 *   transaction: its event and its email together);
 * - a job that fails is logged by name, without its input, and the next one runs: a database
 *   outage loses that request's email, never the process;
 * - at most MAX_QUEUED_JOBS wait; more are refused and logged (the routes' rate limits keep
 *   honest callers far below it), so a flood cannot grow memory without bound;
 * - drain() waits for every job queued so far: the server drains before it closes the store,
 *   and tests drain before they read what a job wrote.
 */
export const MAX_QUEUED_JOBS = 1000;

export interface BackgroundWork {
  /** Queues a job to start once `after` has settled; returns at once. */
  run(name: string, job: () => Promise<unknown>, after?: Promise<unknown>): void;
  /** Resolves once every job queued before the call has finished. */
  drain(): Promise<void>;
}

export interface BackgroundWorkLogger {
  error(object: object, message: string): void;
}

export function createBackgroundWork(logger: BackgroundWorkLogger): BackgroundWork {
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  return {
    run(name, job, after = Promise.resolve()) {
      if (queued >= MAX_QUEUED_JOBS) {
        logger.error({ job: name, queued }, 'background job refused: queue full');
        return;
      }
      queued++;
      const started = Promise.allSettled([after]).then(() => nextTurn());
      tail = Promise.all([tail, started])
        .then(job)
        .then(
          () => undefined,
          (error: unknown) =>
            logger.error({ job: name, error: (error as Error).message }, 'background job failed'),
        )
        .finally(() => void queued--);
    },
    drain: () => tail,
  };
}
