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
    const position = { at: 1_764_316_862_345, seq: 12345 };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    const forged = ['1.0', '-1.5', '1', '1.2.3', '99999999999999999.1'].map((text) =>
      Buffer.from(text).toString('base64url'),
    );
    for (const bad of ['', 'not base64!', 'x'.repeat(60), ...forged])
      expect(decodeCursor(bad)).toBeUndefined();
  });

  it('bounds the page size', () => {
    expect(parsePageSize(undefined)).toBe(50);
    expect(parsePageSize('200')).toBe(200);
    for (const bad of ['0', '201', '1.5', '-1', 'abc', '']) expect(parsePageSize(bad)).toBeUndefined();
  });
});
