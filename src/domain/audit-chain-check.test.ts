import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, type AuditEvent } from './audit-event.js';
import { CHAIN_START, checkChainHead, checkNextEvent, type ChainPosition } from './audit-chain-check.js';

function chain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const unsigned = {
      id: `e${seq}`,
      chainId: 'p1',
      seq,
      practiceId: 'p1',
      type: 'logout' as const,
      outcome: 'success' as const,
      actor: { id: 'u1', username: 'ann' },
      target: null,
      ip: '10.0.0.1',
      userAgent: 'ua',
      details: { n: seq },
      at: 1_700_000_000_000 + seq,
      prevHash,
    };
    const event = { ...unsigned, hash: eventHash(unsigned) };
    events.push(event);
    prevHash = event.hash;
  }
  return events;
}

function walk(events: readonly AuditEvent[]) {
  let position: ChainPosition = CHAIN_START;
  for (const event of events) {
    const broken = checkNextEvent(position, event);
    if (broken) return { broken, position };
    position = { seq: event.seq, hash: event.hash };
  }
  return { broken: undefined, position };
}

describe('audit chain check', () => {
  it('accepts an intact chain and its head', () => {
    const events = chain(5);
    const { broken, position } = walk(events);
    expect(broken).toBeUndefined();
    expect(checkChainHead(position, position)).toBeUndefined();
  });

  it('names an edited event', () => {
    const events = chain(5);
    events[2] = { ...(events[2] as AuditEvent), ip: '6.6.6.6' };
    expect(walk(events).broken).toMatchObject({ problem: 'content_changed', eventId: 'e3', seq: 3 });
  });

  it('names the event after one whose hash was recomputed', () => {
    const events = chain(5);
    const forged = { ...(events[1] as AuditEvent), ip: '6.6.6.6' };
    events[1] = { ...forged, hash: eventHash({ ...forged }) };
    expect(walk(events).broken).toMatchObject({ problem: 'broken_link', eventId: 'e3' });
  });

  it('detects a deleted event in the middle and at the end', () => {
    const events = chain(5);
    expect(walk([...events.slice(0, 2), ...events.slice(3)]).broken).toMatchObject({
      problem: 'missing_event',
      seq: 3,
      eventId: 'e4',
    });
    const { position } = walk(events.slice(0, 4));
    const head = { seq: 5, hash: (events[4] as AuditEvent).hash };
    expect(checkChainHead(position, head)).toMatchObject({ problem: 'missing_event', seq: 5 });
  });
});
