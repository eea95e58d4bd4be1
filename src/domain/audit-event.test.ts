import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { eventHash, GENESIS_HASH, hashedText, isEventType, type AuditEvent } from './audit-event.js';

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

  it('is taken over one JSON array of every field, details sorted by key: stored chains keep verifying', () => {
    const jsonArray = (e: Omit<AuditEvent, 'hash'>) =>
      JSON.stringify([
        e.id,
        e.chainId,
        e.seq,
        e.practiceId,
        e.at,
        e.type,
        e.outcome,
        e.actor?.id ?? null,
        e.actor?.username ?? null,
        e.target?.id ?? null,
        e.target?.username ?? null,
        e.ip,
        e.userAgent,
        Object.entries(e.details).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        e.prevHash,
      ]);
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const unusual: Omit<AuditEvent, 'hash'> = {
      ...event,
      seq: 12_345_678_901,
      practiceId: null,
      actor: { id: 'u"1', username: 'zoë\\]' },
      userAgent: 'Mozilla/5.0 "quoted" \u2028 日本語 😀',
      details: { z: null, a: true, n: -1.5, s: '[,]"' },
      prevHash: 'ab'.repeat(32),
    };
    for (const e of [event, unusual]) expect(eventHash(e)).toBe(sha256(jsonArray(e)));
  });

  it('hashes the same text a database joins from its pieces around seq and the quoted previous hash', () => {
    const { beforeSeq, afterSeq, end } = hashedText(event);
    const joined = `${beforeSeq}${event.seq}${afterSeq}"${event.prevHash}"${end}`;
    expect(createHash('sha256').update(joined).digest('hex')).toBe(eventHash(event));
  });

  it('knows the event names', () => {
    expect(isEventType('login.succeeded')).toBe(true);
    expect(isEventType('login.hacked')).toBe(false);
  });
});
