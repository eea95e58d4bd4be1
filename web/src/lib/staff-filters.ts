import type { StaffFilterName } from '../types.js';

/**
 * The staff list's filters as people read them, in the order the filter menu and the security
 * overview show them (the rules are the server's: src/domain/staff-filter.ts).
 */
export const STAFF_FILTER_LABELS: ReadonlyArray<readonly [StaffFilterName, string]> = [
  ['no_two_factor', 'Without two-factor authentication'],
  ['locked', 'Locked'],
  ['never_signed_in', 'Never logged in'],
  ['temporary_password', 'Temporary password pending'],
  ['inactive_90_days', 'No login for 90 days'],
  ['password_expired', 'Password past expiry'],
  ['recent_lockout', 'Locked out recently'],
  ['failed_sign_in_burst', 'Many failed logins'],
  ['deactivated', 'Deactivated'],
];

export function isStaffFilterName(value: string | null): value is StaffFilterName {
  return STAFF_FILTER_LABELS.some(([name]) => name === value);
}

/** The staff list filtered to these users. */
export function staffFilterHref(filter: StaffFilterName): string {
  return `/staff?filter=${filter}`;
}
