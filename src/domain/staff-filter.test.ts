import { describe, expect, it } from 'vitest';
import {
  matchesFilter,
  matchesSearch,
  sortByName,
  sortStaff,
  type FilterContext,
  type StaffAccount,
} from './staff-filter.js';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

function account(overrides: Partial<StaffAccount> & { username: string }): StaffAccount {
  return {
    id: overrides.username,
    firstName: 'Jamie',
    lastName: 'Rivera',
    email: `${overrides.username}@example.test`,
    status: 'active',
    createdAt: NOW - DAY,
    lastLoginAt: NOW - DAY,
    lockedUntil: null,
    passwordChangedAt: NOW - DAY,
    passwordMustChange: false,
    twoFactorEnabled: true,
    ...overrides,
  };
}

const context: FilterContext = {
  now: NOW,
  passwordExpiryDays: 30,
  events: { recentlyLocked: new Set(['locky']), failedSignInBursts: new Set(['bursty']) },
};

describe('matchesFilter', () => {
  it('looks at active accounts only, except for the deactivated filter', () => {
    const gone = account({
      username: 'gone',
      status: 'deactivated',
      twoFactorEnabled: false,
      lastLoginAt: null,
    });
    expect(matchesFilter(gone, 'no_two_factor', context)).toBe(false);
    expect(matchesFilter(gone, 'never_signed_in', context)).toBe(false);
    expect(matchesFilter(gone, 'deactivated', context)).toBe(true);
  });

  it('counts a lock only while it lasts', () => {
    expect(matchesFilter(account({ username: 'a', lockedUntil: NOW + 1 }), 'locked', context)).toBe(true);
    expect(matchesFilter(account({ username: 'a', lockedUntil: NOW }), 'locked', context)).toBe(false);
  });

  it('counts inactivity from the last sign-in, or from creation when there was none', () => {
    const old = NOW - 90 * DAY;
    expect(matchesFilter(account({ username: 'a', lastLoginAt: old }), 'inactive_90_days', context)).toBe(
      true,
    );
    expect(matchesFilter(account({ username: 'a', lastLoginAt: old + 1 }), 'inactive_90_days', context)).toBe(
      false,
    );
    const fresh = account({ username: 'new', lastLoginAt: null, createdAt: NOW - DAY });
    expect(matchesFilter(fresh, 'inactive_90_days', context)).toBe(false);
  });

  it('finds expired passwords only when passwords expire, and never a temporary one', () => {
    const stale = account({ username: 'a', passwordChangedAt: NOW - 31 * DAY });
    expect(matchesFilter(stale, 'password_expired', context)).toBe(true);
    expect(matchesFilter(stale, 'password_expired', { ...context, passwordExpiryDays: null })).toBe(false);
    expect(matchesFilter({ ...stale, passwordMustChange: true }, 'password_expired', context)).toBe(false);
  });

  it('takes recent lockouts and failed-sign-in bursts from the events', () => {
    expect(matchesFilter(account({ username: 'locky' }), 'recent_lockout', context)).toBe(true);
    expect(matchesFilter(account({ username: 'bursty' }), 'failed_sign_in_burst', context)).toBe(true);
    expect(matchesFilter(account({ username: 'calm' }), 'failed_sign_in_burst', context)).toBe(false);
  });
});

describe('matchesSearch', () => {
  it('matches part of the full name either way round, the user name or the email, in any case', () => {
    const jamie = account({ username: 'jrivera', email: 'jamie@clinic.test' });
    for (const search of ['JAMIE RIV', 'rivera, ja', 'jriv', 'clinic.test', '  ']) {
      expect(matchesSearch(jamie, search), search).toBe(true);
    }
    expect(matchesSearch(jamie, 'morgan')).toBe(false);
  });
});

describe('sortStaff', () => {
  const accounts = [
    account({ username: 'c', lastName: 'Young', lastLoginAt: NOW - 3 * DAY }),
    account({ username: 'a', lastName: 'Abbot', lastLoginAt: null }),
    account({ username: 'b', lastName: 'young', lastLoginAt: NOW - DAY, lockedUntil: NOW + DAY }),
  ];
  it('sorts by name (ties by user name), never-signed-in first by last login, and status', () => {
    expect(sortStaff(accounts, 'name', 'asc', NOW).map((a) => a.username)).toEqual(['a', 'b', 'c']);
    expect(sortStaff(accounts, 'last_login', 'asc', NOW).map((a) => a.username)).toEqual(['a', 'c', 'b']);
    expect(sortStaff(accounts, 'last_login', 'desc', NOW).map((a) => a.username)).toEqual(['b', 'c', 'a']);
    expect(sortStaff(accounts, 'status', 'desc', NOW).map((a) => a.username)).toEqual(['b', 'a', 'c']);
  });

  it('sorts what holds only names as it sorts accounts by name (the overview’s list)', () => {
    const names = [...accounts, account({ username: 'd', firstName: 'Alex', lastName: 'YOUNG' })].map(
      ({ id, username, firstName, lastName }) => ({ id, username, firstName, lastName }),
    );
    expect(sortByName(names).map((a) => a.username)).toEqual(['a', 'd', 'b', 'c']);
  });
});
