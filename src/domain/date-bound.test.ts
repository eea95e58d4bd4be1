import { describe, expect, it } from 'vitest';
import { parseDateBound } from './date-bound.js';

describe('parseDateBound', () => {
  it('reads instants with any offset; `to` includes the instant', () => {
    expect(parseDateBound('2026-11-28T08:01:02.345Z', 'from', 'UTC')).toBe(
      Date.UTC(2026, 10, 28, 8, 1, 2, 345),
    );
    expect(parseDateBound('2026-11-28T08:00+01:00', 'to', 'UTC')).toBe(Date.UTC(2026, 10, 28, 7) + 1);
  });

  it('reads calendar days in the practice time zone, `to` covering the whole day', () => {
    expect(parseDateBound('2026-11-28', 'from', 'UTC')).toBe(Date.UTC(2026, 10, 28));
    expect(parseDateBound('2026-11-28', 'from', 'America/New_York')).toBe(Date.UTC(2026, 10, 28, 5));
    expect(parseDateBound('2026-11-28', 'to', 'America/New_York')).toBe(Date.UTC(2026, 10, 29, 5));
    // The day daylight saving time starts in New York is 23 hours long.
    expect(parseDateBound('2026-03-08', 'to', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4));
  });

  it('refuses anything else', () => {
    for (const bad of ['2026-02-30', '2026-11-28T25:00Z', 'yesterday', '1732780000000', '2026-11-28T08:00'])
      expect(parseDateBound(bad, 'from', 'UTC')).toBeUndefined();
  });
});
