/**
 * Values made once per key and kept, at most `limit` of them: when full, all are dropped and the
 * cache starts again (simpler than LRU, and enough where the keys are few and repeat: statement
 * texts, role lists, sign-in progress, user agents). For pure work only: what is cached must
 * not go stale.
 */
export type BoundedCache<K, V> = (key: K, make: () => V) => V;

export function boundedCache<K, V>(limit: number): BoundedCache<K, V> {
  const values = new Map<K, V>();
  return (key, make) => {
    let value = values.get(key);
    if (value === undefined) {
      if (values.size >= limit) values.clear();
      value = make();
      values.set(key, value);
    }
    return value;
  };
}
