import { describe, expect, it } from 'vitest';
import type { NewAuditEvent } from './audit-event.js';
import { securityCountOf } from './security-counts.js';

function event(overrides: Partial<NewAuditEvent>): NewAuditEvent {
  return {
    practiceId: 'p-1',
    type: 'login.failed',
    outcome: 'failure',
    actor: null,
    target: { id: 'u-1', username: 'jdoe' },
    ip: '192.0.2.1',
    userAgent: 'test',
    details: {},
    at: 0,
    ...overrides,
  };
}

describe('securityCountOf', () => {
  it('counts sign-ins with their reason and practice', () => {
    expect(securityCountOf(event({ type: 'login.succeeded', outcome: 'success' }))).toEqual({
      counter: 'sign_in',
      labels: { outcome: 'success', reason: 'none', practice: 'p-1' },
    });
    expect(securityCountOf(event({ details: { reason: 'wrong_password', username: 'jdoe' } }))).toEqual({
      counter: 'sign_in',
      labels: { outcome: 'failure', reason: 'wrong_password', practice: 'p-1' },
    });
  });

  it('keeps labels in closed sets: unknown practices, reasons and methods never become labels', () => {
    const typed = event({ practiceId: null, details: { reason: 'jdoe typed this', practiceCode: 'EVIL' } });
    expect(securityCountOf(typed)).toEqual({
      counter: 'sign_in',
      labels: { outcome: 'failure', reason: 'other', practice: 'none' },
    });
    expect(
      securityCountOf(
        event({ type: 'two_factor.succeeded', outcome: 'success', details: { method: 'sms' } }),
      ),
    ).toEqual({
      counter: 'two_factor',
      labels: { outcome: 'success', method: 'other', reason: 'none', practice: 'p-1' },
    });
  });

  it('counts two-factor outcomes and lockouts, and nothing for other events', () => {
    expect(
      securityCountOf(event({ type: 'two_factor.failed', details: { reason: 'replayed_code' } })),
    ).toEqual({
      counter: 'two_factor',
      labels: { outcome: 'failure', method: 'none', reason: 'replayed_code', practice: 'p-1' },
    });
    expect(securityCountOf(event({ type: 'account.locked', outcome: 'success' }))).toEqual({
      counter: 'lockout',
      labels: { practice: 'p-1' },
    });
    expect(securityCountOf(event({ type: 'password.changed', outcome: 'success' }))).toBeUndefined();
  });
});
