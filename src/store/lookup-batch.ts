/**
 * Gathers lookups into few calls of `lookupMany`.
 *
 * Under load many requests check their sessions at the same moment, and one query for all of
 * them costs the database and its driver far less than a query each (on PostgreSQL most of a
 * request's cost is the round trip, not the rows). Lookups asked in one turn of the event loop
 * go together; while `maxInFlight` queries are out, new lookups wait and go with the next one,
 * so the busier the server, the fuller each query. An idle server sends a lookup at once, and a
 * full batch goes at once whatever is out: a slow database (an outage waits out the pool's
 * timeout) must not queue lookups behind one another, each must fail as fast as a query.
 *
 * Nothing is cached: a query is sent after each of its lookups was asked, so every lookup sees
 * each change committed before it.
 */
export type Lookup<Key, Value> = (key: Key) => Promise<Value | undefined>;

export interface BatchLimits {
  /** Keys in one call of lookupMany. */
  readonly maxBatch: number;
  /** Calls of lookupMany running at once before a partial batch waits for one of them to end. */
  readonly maxInFlight: number;
}

interface Waiter<Key, Value> {
  readonly key: Key;
  resolve(value: Value | undefined): void;
  reject(error: unknown): void;
}

export function lookupBatcher<Key, Value>(
  lookupMany: (keys: readonly Key[]) => Promise<ReadonlyMap<Key, Value>>,
  limits: BatchLimits,
): Lookup<Key, Value> {
  let waiting: Waiter<Key, Value>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function run(batch: readonly Waiter<Key, Value>[]): Promise<void> {
    try {
      const found = await lookupMany(batch.map((waiter) => waiter.key));
      for (const waiter of batch) waiter.resolve(found.get(waiter.key));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      inFlight--;
      send();
    }
  }

  function send(): void {
    while (waiting.length >= limits.maxBatch || (waiting.length > 0 && inFlight < limits.maxInFlight)) {
      const batch = waiting.slice(0, limits.maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight++;
      void run(batch);
    }
  }

  return (key) =>
    new Promise((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (scheduled) return;
      scheduled = true;
      // After the poll phase: the requests read from the sockets in this turn join the batch.
      setImmediate(() => {
        scheduled = false;
        send();
      });
    });
}
