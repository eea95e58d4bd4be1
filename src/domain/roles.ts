/** Roles a staff member may hold; a user may hold several. Supervisor is a separate flag. */
export const ROLES = [
  'practice_admin',
  'clinical_admin',
  'clinician',
  'scheduler',
  'biller',
  'intern',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Reads of the practice-wide activity log are open to both administrator roles. */
export function canReadPracticeActivity(roles: readonly Role[]): boolean {
  return roles.includes('practice_admin') || roles.includes('clinical_admin');
}

export function isPracticeAdmin(roles: readonly Role[]): boolean {
  return roles.includes('practice_admin');
}
