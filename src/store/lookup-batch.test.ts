import { describe, expect, it } from 'vitest';
import { lookupBatcher } from './lookup-batch.js';

/** A table the test can change, read through lookupMany, recording each call's keys. */
function table(initial: Record<string, string>) {
  const rows = new Map(Object.entries(initial));
  const calls: string[][] = [];
  const lookupMany = async (keys: readonly string[]) => {
    calls.push([...keys]);
    await Promise.resolve();
    return new Map(keys.flatMap((key) => (rows.has(key) ? [[key, rows.get(key) as string] as const] : [])));
  };
  return { rows, calls, lookupMany };
}

describe('lookupBatcher', () => {
  it('answers the lookups asked in one turn with one call, each with its own value', async () => {
    const { calls, lookupMany } = table({ a: 'A', b: 'B', c: 'C' });
    const lookup = lookupBatcher(lookupMany, { maxBatch: 64, maxInFlight: 1 });
    const answers = await Promise.all(['a', 'b', 'x', 'c', 'a'].map(lookup));
    expect(answers).toEqual(['A', 'B', undefined, 'C', 'A']);
    expect(calls).toEqual([['a', 'b', 'x', 'c', 'a']]);
  });

  it('splits a turn into batches of at most maxBatch keys', async () => {
    const { calls, lookupMany } = table({ k0: '0', k4: '4' });
    const lookup = lookupBatcher(lookupMany, { maxBatch: 2, maxInFlight: 8 });
    const answers = await Promise.all(['k0', 'k1', 'k2', 'k3', 'k4'].map(lookup));
    expect(answers).toEqual(['0', undefined, undefined, undefined, '4']);
    expect(calls).toEqual([['k0', 'k1'], ['k2', 'k3'], ['k4']]);
  });

  it('holds new lookups while maxInFlight calls run, and sends them together when one ends', async () => {
    const calls: string[][] = [];
    const ends: (() => void)[] = [];
    const lookup = lookupBatcher(
      (keys: readonly string[]) =>
        new Promise<Map<string, string>>((resolve) => {
          calls.push([...keys]);
          ends.push(() => resolve(new Map(keys.map((key) => [key, key.toUpperCase()]))));
        }),
      { maxBatch: 64, maxInFlight: 1 },
    );
    const first = lookup('a');
    await new Promise((resolve) => setImmediate(resolve));
    const later = [lookup('b'), lookup('c')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['a']]);
    ends[0]?.();
    expect(await first).toBe('A');
    expect(calls).toEqual([['a'], ['b', 'c']]);
    ends[1]?.();
    expect(await Promise.all(later)).toEqual(['B', 'C']);
  });

  it('sends a full batch at once, however many calls are running', async () => {
    const calls: string[][] = [];
    const lookup = lookupBatcher(
      (keys: readonly string[]) => {
        calls.push([...keys]);
        return new Promise<Map<string, string>>(() => undefined); // a database that never answers
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    for (const key of ['a', 'b', 'c', 'd', 'e']) void lookup(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('caches nothing: a lookup asked after a change sees it', async () => {
    const { rows, calls, lookupMany } = table({ session: 'alive' });
    const lookup = lookupBatcher(lookupMany, { maxBatch: 64, maxInFlight: 1 });
    expect(await lookup('session')).toBe('alive');
    rows.delete('session');
    expect(await lookup('session')).toBeUndefined();
    expect(calls).toHaveLength(2);
  });

  it('rejects every lookup of a batch whose query failed, and recovers on the next', async () => {
    let failing = true;
    const lookup = lookupBatcher(
      async (keys: readonly string[]) => {
        if (failing) throw new Error('database unavailable');
        return new Map(keys.map((key) => [key, key.toUpperCase()]));
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    const failed = await Promise.allSettled([lookup('a'), lookup('b')]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    failing = false;
    expect(await lookup('a')).toBe('A');
  });
});
