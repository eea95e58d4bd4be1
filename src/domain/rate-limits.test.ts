import { describe, expect, it } from 'vitest';
import { RATE_LIMITS, rateLimitKey, retryAfterSeconds } from './rate-limits.js';

describe('rateLimitKey', () => {
  it('separates policies, scopes and values, and stores no typed text', () => {
    const key = rateLimitKey('login', 'account', 'acme\njane');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(rateLimitKey('forgot-password', 'account', 'acme\njane'));
    expect(key).not.toBe(rateLimitKey('login', 'ip', 'acme\njane'));
    expect(key).not.toBe(rateLimitKey('login', 'account', 'acme\njohn'));
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds and is at least 1', () => {
    expect(retryAfterSeconds(10_500, 0)).toBe(11);
    expect(retryAfterSeconds(1000, 1000)).toBe(1);
  });
});

describe('RATE_LIMITS', () => {
  it('never counts successful sign-ins or second factors', () => {
    expect(RATE_LIMITS.login.countStatuses).not.toContain(200);
    expect(RATE_LIMITS.twoFactor.countStatuses).not.toContain(200);
  });

  it('limits each account more tightly than each IP (an office shares one address)', () => {
    const [ip, account] = RATE_LIMITS.login.rules;
    expect(account.max).toBeLessThan(ip.max);
  });
});
