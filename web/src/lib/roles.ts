import {
  canReadPracticeActivity as readsPracticeActivity,
  isPracticeAdmin as isAdmin,
  type Role,
} from '@server/domain/roles.js';
import type { User } from '../types.js';

/** The server's closed set of roles (src/domain/roles.ts): a small pure module, bundled as is. */
export { ROLES } from '@server/domain/roles.js';

/** Every role of the server's closed set needs its label: a new role fails the typecheck here. */
const ROLE_LABELS: Readonly<Record<Role, string>> = {
  practice_admin: 'Practice Administrator',
  clinical_admin: 'Clinical Administrator',
  clinician: 'Clinician',
  scheduler: 'Scheduler',
  biller: 'Biller',
  intern: 'Intern',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** The user's roles as readable labels, with the Supervisor flag last. */
export function roleLabels(user: User): string[] {
  const labels = user.roles.map(roleLabel);
  if (user.supervisor) labels.push('Supervisor');
  return labels;
}

/** The server's own rules, so the menus show what the API allows. */
export function isPracticeAdmin(user: User): boolean {
  return isAdmin(user.roles);
}

/** Practice and Clinical Administrators read the practice-wide activity log. */
export function canReadPracticeActivity(user: User): boolean {
  return readsPracticeActivity(user.roles);
}
