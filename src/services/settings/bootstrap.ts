import { countPractices } from '../../store/practice-store.js';
import type { ServiceDeps } from '../context.js';
import { createPractice, type CreatePracticeResult } from './practices.js';

/** What a fresh install creates so that someone can sign in at all. */
export const DEMO_PRACTICE = {
  code: 'DEMO',
  name: 'Demo Practice',
  admin: { username: 'admin', email: 'admin@demo.invalid', firstName: 'Practice', lastName: 'Administrator' },
} as const;

/**
 * On an empty database, creates practice DEMO with Practice Administrator `admin`.
 * Returns the created practice (with the one-time temporary password) or undefined when
 * the database already had a practice. Two instances starting at once on one PostgreSQL:
 * the unique practice code lets only one of them win.
 */
export async function ensureFirstPractice(deps: ServiceDeps): Promise<CreatePracticeResult | undefined> {
  if ((await countPractices(deps.store.db)) > 0) return undefined;
  try {
    return await createPractice(deps, {
      ...DEMO_PRACTICE,
      origin: { ip: '127.0.0.1', userAgent: 'gatehouse start-up' },
    });
  } catch (error) {
    if ((await countPractices(deps.store.db)) > 0) return undefined;
    throw error;
  }
}

/** The one-time notice, boxed so it stands out in a terminal. */
export function firstRunNotice(
  result: { temporaryPassword: string; expiresAt: number },
  url: string,
): string {
  const lines = [
    'Gatehouse is set up with a demo practice.',
    '',
    `  Practice Code:       ${DEMO_PRACTICE.code}`,
    `  User Name:           ${DEMO_PRACTICE.admin.username}`,
    `  Temporary Password:  ${result.temporaryPassword}`,
    '',
    `Log in at ${url}`,
    'The password is case sensitive and includes dashes. It is shown only',
    `this once and expires ${new Date(result.expiresAt).toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
    'You will be asked to choose your own password at first login.',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const bar = '═'.repeat(width + 4);
  return [`╔${bar}╗`, ...lines.map((line) => `║  ${line.padEnd(width)}  ║`), `╚${bar}╝`].join('\n');
}
