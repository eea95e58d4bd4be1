import { randomUUID } from 'node:crypto';
import { PRACTICE_CODE_PATTERN } from '../../domain/identifiers.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../domain/security-settings.js';
import { usernameProblem } from '../../domain/username.js';
import { findPracticeByCode, insertPractice, type Practice } from '../../store/practice-store.js';
import { insertUser } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { issueTemporaryPassword } from '../passwords/new-password.js';

/**
 * Creating a practice with its first Practice Administrator, who gets a temporary password
 * (shown once to whoever ran the command, changed at first sign-in).
 */
export interface NewPracticeInput {
  readonly code: string;
  readonly name: string;
  readonly admin: {
    readonly username: string;
    readonly email: string;
    readonly firstName: string;
    readonly lastName: string;
  };
}

export type CreatePracticeResult =
  | {
      readonly ok: true;
      readonly practice: Practice;
      readonly adminId: string;
      readonly temporaryPassword: string;
      readonly expiresAt: number;
    }
  | { readonly ok: false; readonly problem: string };

export async function createPractice(
  deps: ServiceDeps,
  { origin, ...input }: NewPracticeInput & { readonly origin: RequestOrigin },
): Promise<CreatePracticeResult> {
  const problem = validate(input);
  if (problem) return { ok: false, problem };
  if (await findPracticeByCode(deps.store.db, input.code)) {
    return { ok: false, problem: `A practice with code "${input.code}" already exists.` };
  }

  const now = deps.clock.now();
  const settings = DEFAULT_SECURITY_SETTINGS;
  const practice: Practice = {
    id: randomUUID(),
    code: input.code,
    name: input.name,
    settings,
    createdAt: now,
  };
  const { temporaryPassword, passwordHash, expiresAt } = await issueTemporaryPassword(deps, {
    practice,
    owner: input.admin,
  });
  const admin = { id: randomUUID(), username: input.admin.username };

  await deps.store.transaction(async (trx) => {
    await insertPractice(trx, practice);
    await insertUser(trx, {
      id: admin.id,
      practiceId: practice.id,
      username: input.admin.username,
      firstName: input.admin.firstName,
      lastName: input.admin.lastName,
      email: input.admin.email,
      roles: ['practice_admin'],
      passwordHash,
      passwordMustChange: true,
      temporaryPasswordExpiresAt: expiresAt,
      now,
    });
    const common = { practiceId: practice.id, outcome: 'success', actor: null, origin, at: now } as const;
    await audit(trx, {
      ...common,
      type: 'practice.created',
      details: { code: practice.code, name: practice.name },
    });
    await audit(trx, {
      ...common,
      type: 'user.created',
      target: admin,
      details: { roles: 'practice_admin' },
    });
  });
  return { ok: true, practice, adminId: admin.id, temporaryPassword, expiresAt };
}

function validate(input: NewPracticeInput): string | undefined {
  if (!PRACTICE_CODE_PATTERN.test(input.code)) {
    return 'The practice code must be 2 to 32 letters, digits, dashes or underscores.';
  }
  if (!input.name.trim() || input.name.length > 200) return 'The practice name must be 1 to 200 characters.';
  const usernameInvalid = usernameProblem(input.admin.username);
  if (usernameInvalid) return usernameInvalid;
  if (!/^[^\s@]+@[^\s@]+$/.test(input.admin.email) || input.admin.email.length > 254) {
    return 'The email address is not valid.';
  }
  if (!input.admin.firstName.trim() || !input.admin.lastName.trim())
    return 'First and last name are required.';
  return undefined;
}
