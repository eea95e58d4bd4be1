import { describe, expect, it } from 'vitest';
import { attemptLimits, isLocked, lockDurationMs, MAX_LOCK_MS } from './account-lock.js';

describe('lockDurationMs', () => {
  it('starts at the base minutes and doubles on each repeat lock', () => {
    expect(lockDurationMs(15, 1)).toBe(15 * 60_000);
    expect(lockDurationMs(15, 2)).toBe(30 * 60_000);
    expect(lockDurationMs(15, 3)).toBe(60 * 60_000);
  });

  it('never exceeds 24 hours, however many locks', () => {
    expect(lockDurationMs(15, 7)).toBe(16 * 3_600_000);
    expect(lockDurationMs(15, 8)).toBe(MAX_LOCK_MS);
    expect(lockDurationMs(15, 1000)).toBe(MAX_LOCK_MS);
    expect(lockDurationMs(1440, 1)).toBe(MAX_LOCK_MS);
  });
});

describe('isLocked', () => {
  it('is locked only before the lock ends', () => {
    expect(isLocked({ lockedUntil: null }, 1000)).toBe(false);
    expect(isLocked({ lockedUntil: 2000 }, 1999)).toBe(true);
    expect(isLocked({ lockedUntil: 2000 }, 2000)).toBe(false);
  });
});

describe('attemptLimits', () => {
  it('offers threshold places while active, and a few checks while locked only to sign-in', () => {
    expect(attemptLimits(10, true)).toMatchObject({ active: 10, locked: 2 });
    expect(attemptLimits(10, false)).toMatchObject({ active: 10, locked: 0 });
  });

  it('keeps the checks while locked below the threshold, so the count can still reach it', () => {
    expect(attemptLimits(3, true)).toMatchObject({ active: 3, locked: 2 });
    expect(attemptLimits(2, true)).toMatchObject({ active: 2, locked: 1 });
  });
});
