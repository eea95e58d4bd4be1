import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csrfTokenFor, deriveCsrfKey } from './csrf-token.js';

const key = deriveCsrfKey(randomBytes(32));

describe('csrfTokenFor', () => {
  it('gives one stable 43-character token per binding, and another for anything else', () => {
    const session = { kind: 'session', value: 'abc' } as const;
    const token = csrfTokenFor(key, session);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(csrfTokenFor(key, session)).toBe(token);
    expect(csrfTokenFor(key, { kind: 'session', value: 'abd' })).not.toBe(token);
    expect(csrfTokenFor(key, { kind: 'pre_session', value: 'abc' })).not.toBe(token);
    expect(csrfTokenFor(deriveCsrfKey(randomBytes(32)), session)).not.toBe(token);
  });

  it('derives its key from the secret key without being it', () => {
    const secret = randomBytes(32);
    expect(deriveCsrfKey(secret).equals(deriveCsrfKey(secret))).toBe(true);
    expect(deriveCsrfKey(secret).equals(secret)).toBe(false);
  });
});
