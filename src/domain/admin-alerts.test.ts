import { describe, expect, it } from 'vitest';
import { dueDigestDay } from './admin-alerts.js';

describe('dueDigestDay', () => {
  it('is the practice’s local date from 7:00 local time on, and nothing before', () => {
    // 11:59 UTC is 6:59 in New York (EST): not yet; 12:00 UTC is 7:00.
    expect(dueDigestDay(Date.UTC(2026, 11, 7, 11, 59), 'America/New_York')).toBeUndefined();
    expect(dueDigestDay(Date.UTC(2026, 11, 7, 12, 0), 'America/New_York')).toBe('2026-12-07');
    // 02:00 UTC on the 8th is still the 7th, 21:00, in New York.
    expect(dueDigestDay(Date.UTC(2026, 11, 8, 2, 0), 'America/New_York')).toBe('2026-12-07');
    expect(dueDigestDay(Date.UTC(2026, 11, 7, 23, 0), 'Pacific/Auckland')).toBe('2026-12-08');
  });
});
