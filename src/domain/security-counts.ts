import type { NewAuditEvent } from './audit-event.js';

/**
 * Which security counter a committed audit event moves, and with which labels. Every label
 * value comes from a closed set (or is a practice id from the practices table), so the
 * number of series stays bounded whatever callers type: a reason or method not listed here
 * becomes `other`, and user names, practice codes as typed, IPs and secrets never become labels.
 *
 * - sign-in: `login.succeeded` (a sign-in reached `signed_in`) and `login.failed` (the
 *   password step refused it), with the failure reason;
 * - two-factor: `two_factor.succeeded` with its method, `two_factor.failed` with its reason;
 * - lockout: `account.locked`.
 */
export const SIGN_IN_FAILURE_REASONS = [
  'unknown_practice',
  'unknown_user',
  'wrong_password',
  'deactivated',
  'temporary_password_expired',
  'locked',
  'ip_not_allowed',
] as const;
/** Why the password step refused a sign-in (services/sign-in/sign-in.ts). */
export type SignInFailureReason = (typeof SIGN_IN_FAILURE_REASONS)[number];
export const TWO_FACTOR_METHODS = ['totp', 'recovery_code', 'passkey', 'remembered_browser'] as const;
export const TWO_FACTOR_FAILURE_REASONS = [
  'invalid_code',
  'replayed_code',
  'not_enrolled',
  'invalid_passkey',
  'locked',
  'session_ended',
] as const;

/** The label value where a label does not apply (a success has no failure reason). */
export const NOT_APPLICABLE = 'none';
/** The label value for anything outside a closed set. */
export const OTHER = 'other';
/** The practice label of a sign-in that named no known practice. */
export const NO_PRACTICE = 'none';

export type SecurityCount =
  | {
      readonly counter: 'sign_in';
      readonly labels: { readonly outcome: string; readonly reason: string; readonly practice: string };
    }
  | {
      readonly counter: 'two_factor';
      readonly labels: {
        readonly outcome: string;
        readonly method: string;
        readonly reason: string;
        readonly practice: string;
      };
    }
  | { readonly counter: 'lockout'; readonly labels: { readonly practice: string } };

export function securityCountOf(event: NewAuditEvent): SecurityCount | undefined {
  const practice = event.practiceId ?? NO_PRACTICE;
  const detail = (name: string, allowed: readonly string[]) => oneOf(event.details[name], allowed);
  switch (event.type) {
    case 'login.succeeded':
      return { counter: 'sign_in', labels: { outcome: 'success', reason: NOT_APPLICABLE, practice } };
    case 'login.failed':
      return {
        counter: 'sign_in',
        labels: { outcome: 'failure', reason: detail('reason', SIGN_IN_FAILURE_REASONS), practice },
      };
    case 'two_factor.succeeded':
      return {
        counter: 'two_factor',
        labels: {
          outcome: 'success',
          method: detail('method', TWO_FACTOR_METHODS),
          reason: NOT_APPLICABLE,
          practice,
        },
      };
    case 'two_factor.failed':
      return {
        counter: 'two_factor',
        labels: {
          outcome: 'failure',
          method: NOT_APPLICABLE,
          reason: detail('reason', TWO_FACTOR_FAILURE_REASONS),
          practice,
        },
      };
    case 'account.locked':
      return { counter: 'lockout', labels: { practice } };
    default:
      return undefined;
  }
}

function oneOf(value: unknown, allowed: readonly string[]): string {
  return typeof value === 'string' && allowed.includes(value) ? value : OTHER;
}
