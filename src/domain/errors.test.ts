import { describe, expect, it } from 'vitest';
import { API_ERRORS, ApiError } from './errors.js';

describe('error catalogue', () => {
  it('gives every code a 4xx/5xx status and a sentence a person can act on', () => {
    for (const [code, { status, message }] of Object.entries(API_ERRORS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(message).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('keeps the contract codes and statuses', () => {
    expect(API_ERRORS.invalid_credentials.status).toBe(401);
    expect(API_ERRORS.csrf_failed.status).toBe(403);
    expect(API_ERRORS.ip_not_allowed.status).toBe(403);
    expect(API_ERRORS.rate_limited.status).toBe(429);
    expect(API_ERRORS.unavailable.status).toBe(503);
    expect(new ApiError('invalid_request').status).toBe(400);
  });
});
