import type { User } from '../types.js';

const ROLE_LABELS: Record<string, string> = {
  practice_admin: 'Practice Administrator',
  clinical_admin: 'Clinical Administrator',
  clinician: 'Clinician',
  scheduler: 'Scheduler',
  biller: 'Biller',
  intern: 'Intern',
  supervisor: 'Supervisor',
};

export function roleLabel(role: string): string {
  const known = ROLE_LABELS[role];
  if (known !== undefined) return known;
  return role
    .split('_')
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** The user's roles as readable labels, with the Supervisor flag last. */
export function roleLabels(user: User): string[] {
  const labels = user.roles.map(roleLabel);
  if (user.supervisor === true && !user.roles.includes('supervisor')) labels.push('Supervisor');
  return labels;
}

export function isPracticeAdmin(user: User): boolean {
  return user.roles.includes('practice_admin');
}

/** Practice and Clinical Administrators read the practice-wide activity log. */
export function canReadPracticeActivity(user: User): boolean {
  return user.roles.includes('practice_admin') || user.roles.includes('clinical_admin');
}
