import { describe, expect, it } from 'vitest';
import type { AuditInput } from './audit.js';

/**
 * An event's details are typed by its type (EventDetailsByType, domain/audit-event.ts). The
 * typecheck (npm run typecheck) is what fails here: each @ts-expect-error line must stay an error.
 */
describe('audit details', () => {
  const base = {
    practiceId: null,
    outcome: 'success',
    actor: null,
    origin: { ip: '192.0.2.1', userAgent: 'test' },
    at: 0,
  } as const;

  it('are the fields the event type declares', () => {
    const renamed: AuditInput<'passkey.renamed'> = {
      ...base,
      type: 'passkey.renamed',
      details: { passkey: 'p1', from: 'Old', to: 'New' },
    };
    const wrongValue: AuditInput<'passkey.renamed'> = {
      ...base,
      type: 'passkey.renamed',
      // @ts-expect-error a passkey's name is text
      details: { passkey: 'p1', from: 'Old', to: 1 },
    };
    const wrongKey: AuditInput<'account.unlocked'> = {
      ...base,
      type: 'account.unlocked',
      // @ts-expect-error account.unlocked records lockedUntil
      details: { until: '2026-01-01T00:00:00.000Z' },
    };
    expect([renamed, wrongValue, wrongKey].map((input) => input.type)).toEqual([
      'passkey.renamed',
      'passkey.renamed',
      'account.unlocked',
    ]);
  });
});
