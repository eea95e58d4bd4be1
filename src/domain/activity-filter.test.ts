import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from './audit-event.js';
import {
  ACTIVITY_GROUPS,
  decodeCursor,
  encodeCursor,
  parsePageSize,
  typesForFilter,
  ungroupedTypes,
} from './activity-filter.js';

describe('activity filters', () => {
  it('selects one type or a whole group, and nothing for unknown names', () => {
    expect(typesForFilter('login.failed')).toEqual(['login.failed']);
    expect(typesForFilter('sessions')).toEqual(['session.expired', 'session.revoked']);
    expect(typesForFilter('drop table')).toBeUndefined();
  });

  it('puts every event type in exactly one group', () => {
    const grouped = ACTIVITY_GROUPS.flatMap((group) => group.types);
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped, ...ungroupedTypes()].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor(12345))).toBe(12345);
    for (const bad of [
      '',
      'not base64!',
      encodeCursor(0),
      Buffer.from('-1').toString('base64url'),
      'x'.repeat(40),
    ])
      expect(decodeCursor(bad)).toBeUndefined();
  });

  it('bounds the page size', () => {
    expect(parsePageSize(undefined)).toBe(50);
    expect(parsePageSize('200')).toBe(200);
    for (const bad of ['0', '201', '1.5', '-1', 'abc', '']) expect(parsePageSize(bad)).toBeUndefined();
  });
});
