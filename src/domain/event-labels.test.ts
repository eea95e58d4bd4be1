import { describe, expect, it } from 'vitest';
import { ungroupedTypes } from './activity-filter.js';
import { EVENT_TYPES } from './audit-event.js';
import { describeDetails, EVENT_LABELS, eventName, zonedTime } from './event-labels.js';

describe('the event catalogue', () => {
  it('names every event type in words and puts each in a filter group, so none reads as "Other > a.b"', () => {
    for (const type of EVENT_TYPES) expect(EVENT_LABELS[type]).not.toMatch(/[._]/);
    expect(ungroupedTypes()).toEqual([]);
  });

  it('shows a two-factor step skipped by a remembered browser as such', () => {
    const skipped = { type: 'two_factor.succeeded', details: { method: 'remembered_browser' } };
    expect(eventName(skipped)).toBe('Remembered browser recognised');
    expect(describeDetails(skipped, 'America/New_York')).toContain('Remember this browser');
    expect(eventName({ type: 'two_factor.succeeded', details: { method: 'totp' } })).toBe(
      'Two-factor code accepted',
    );
  });

  it('writes details in plain words, with times in the practice’s zone and the zone shown', () => {
    const locked = {
      type: 'account.locked',
      details: { failures: 10, minutes: 15, until: '2026-11-28T13:01:00.000Z', pendingSignInsEnded: 0 },
    };
    expect(describeDetails(locked, 'America/New_York')).toBe(
      'Failed attempts: 10; Minutes: 15; Until: Nov 28, 2026, 8:01 AM EST; Unfinished logins ended: 0',
    );
    expect(describeDetails({ type: 'login.failed', details: { reason: 'wrong_password' } }, 'UTC')).toBe(
      'Why: wrong password',
    );
    expect(zonedTime(Date.parse('2026-07-01T12:00:00Z'), 'Europe/London')).toBe('Jul 1, 2026, 1:00 PM GMT+1');
  });

  it('summarises a window of refused log-ins in one sentence', () => {
    const throttled = {
      type: 'login.throttled',
      details: { per: 'ip', limit: 100, windowMinutes: 15, until: '2026-11-28T13:16:00.000Z' },
    };
    expect(describeDetails(throttled, 'America/New_York')).toBe(
      'More than 100 login attempts from this IP address in 15 minutes; further attempts refused until Nov 28, 2026, 8:16 AM EST',
    );
  });

  it('says what an "Activity log viewed" event read, not its codes', () => {
    const text = describeDetails(
      { type: 'activity.viewed', details: { scope: 'user', format: 'page' } },
      'UTC',
    );
    expect(text).toBe('Opened one user’s activity log');
    expect(text).not.toMatch(/scope|format/);
    expect(
      describeDetails({ type: 'activity.viewed', details: { scope: 'practice', format: 'csv' } }, 'UTC'),
    ).toBe('Downloaded the practice’s activity log as CSV');
  });
});
