/**
 * A background task run every interval, one run at a time, until stopped: the server's timers
 * (mail delivery, activity log checkpoints). A failed run is handed to onFailure and the next run
 * comes as usual, so a database outage only delays the work. The timer never keeps the process
 * alive; stop() waits for a run under way.
 */
export interface RepeatingTask {
  stop(): Promise<void>;
}

export function startRepeatingTask(
  run: () => Promise<unknown>,
  options: {
    readonly intervalMs: number;
    /** Run once at once too, not only after the first interval. */
    readonly immediately?: boolean;
    readonly onFailure: (error: unknown) => void;
  },
): RepeatingTask {
  let running: Promise<unknown> = Promise.resolve();
  const next = () => {
    running = running.then(run).catch(options.onFailure);
  };
  if (options.immediately) next();
  const timer = setInterval(next, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
