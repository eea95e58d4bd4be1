/**
 * Gathers the lookups asked in one turn of the event loop into one call of `lookupMany`.
 *
 * Under load many requests check their sessions at the same moment, and one query for all of
 * them costs the database and its driver far less than a query each (on PostgreSQL most of a
 * request's cost is the round trip, not the rows). Nothing is cached: a batch's query is sent
 * after each of its lookups was asked, so every lookup sees each change committed before it.
 */
export type Lookup<Key, Value> = (key: Key) => Promise<Value | undefined>;

interface Batch<Key, Value> {
  readonly keys: Key[];
  readonly waiters: { resolve(value: Value | undefined): void; reject(error: unknown): void }[];
}

export function lookupBatcher<Key, Value>(
  lookupMany: (keys: readonly Key[]) => Promise<ReadonlyMap<Key, Value>>,
  maxBatch: number,
): Lookup<Key, Value> {
  let open: Batch<Key, Value> | undefined;

  async function run(batch: Batch<Key, Value>): Promise<void> {
    try {
      const found = await lookupMany(batch.keys);
      batch.waiters.forEach((waiter, i) => waiter.resolve(found.get(batch.keys[i] as Key)));
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    }
  }

  return (key) =>
    new Promise((resolve, reject) => {
      if (!open) {
        const batch: Batch<Key, Value> = { keys: [], waiters: [] };
        open = batch;
        // After the poll phase: the requests read from the sockets in this turn join the batch.
        setImmediate(() => {
          if (open === batch) open = undefined;
          void run(batch);
        });
      }
      open.keys.push(key);
      open.waiters.push({ resolve, reject });
      if (open.keys.length >= maxBatch) open = undefined;
    });
}
