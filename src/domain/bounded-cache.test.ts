import { describe, expect, it } from 'vitest';
import { boundedCache } from './bounded-cache.js';

describe('boundedCache', () => {
  it('makes each value once while it is kept, and starts again when full', () => {
    const made: string[] = [];
    const cached = boundedCache<string, string>(2);
    const get = (key: string) => cached(key, () => (made.push(key), key.toUpperCase()));
    expect([get('a'), get('b'), get('a')]).toEqual(['A', 'B', 'A']);
    expect(made).toEqual(['a', 'b']);
    get('c'); // full: a and b dropped
    get('a');
    expect(made).toEqual(['a', 'b', 'c', 'a']);
  });
});
