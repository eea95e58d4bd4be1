import { describe, expect, it } from 'vitest';
import { inOwnTurn } from './own-turn.js';

describe('inOwnTurn', () => {
  it('runs queued pieces of work in turns of their own, so the loop does other work between them', async () => {
    const order: string[] = [];
    const pieces = ['first', 'second', 'third'].map((name) =>
      inOwnTurn(() => {
        order.push(name);
        // Another request's callback, due in the loop's next turn: it must not wait for the rest.
        setImmediate(() => order.push(`after ${name}`));
        return name;
      }),
    );
    expect(await Promise.all(pieces)).toEqual(['first', 'second', 'third']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first', 'after first', 'second', 'after second', 'third', 'after third']);
  });

  it('passes a failure to its caller only and runs the work queued after it', async () => {
    const failed = inOwnTurn(() => {
      throw new Error('no');
    });
    const next = inOwnTurn(() => 'ran');
    await expect(failed).rejects.toThrow('no');
    expect(await next).toBe('ran');
  });
});
