import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, isEventType, type AuditEvent } from './audit-event.js';

const event: Omit<AuditEvent, 'hash'> = {
  id: 'e1',
  chainId: 'p1',
  seq: 1,
  practiceId: 'p1',
  at: 1_795_000_000_000,
  type: 'login.failed',
  outcome: 'failure',
  actor: null,
  target: { id: 'u1', username: 'jane' },
  ip: '203.0.113.9',
  userAgent: 'Firefox',
  details: { reason: 'wrong_password', b: 1 },
  prevHash: GENESIS_HASH,
};

describe('eventHash', () => {
  it('is a SHA-256 hex digest, stable for the same content whatever the key order of details', () => {
    const hash = eventHash(event);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash({ ...event, details: { b: 1, reason: 'wrong_password' } })).toBe(hash);
  });

  it('changes when any field changes', () => {
    const hash = eventHash(event);
    const variants: Array<Partial<Omit<AuditEvent, 'hash'>>> = [
      { seq: 2 },
      { at: event.at + 1 },
      { type: 'login.succeeded' },
      { outcome: 'success' },
      { ip: '203.0.113.10' },
      { userAgent: 'Chrome' },
      { target: { id: 'u2', username: 'jane' } },
      { details: { reason: 'unknown_user', b: 1 } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const variant of variants) expect(eventHash({ ...event, ...variant })).not.toBe(hash);
  });

  it('knows the event names', () => {
    expect(isEventType('login.succeeded')).toBe(true);
    expect(isEventType('login.hacked')).toBe(false);
  });
});
