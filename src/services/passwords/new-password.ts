import {
  evaluatePassword,
  historyViolation,
  type PasswordContext,
  type PasswordViolation,
} from '../../domain/password-policy.js';
import { generateTemporaryPassword } from '../../domain/temporary-password.js';
import type { Executor } from '../../store/database.js';
import { addPasswordHistory, recentPasswordHashes } from '../../store/password-history-store.js';
import type { Practice } from '../../store/practice-store.js';
import { findPasswordHash, setPasswordHash, type User } from '../../store/user-store.js';
import type { ServiceDeps } from '../context.js';
import { inOwnTurn } from '../operations/own-turn.js';

/**
 * The steps every flow that sets a password shares (change, forced change, forgotten-password
 * reset, admin reset, new user), so the practice's policy applies identically everywhere:
 * context words, the policy engine, history of the last N (P4, P5), and the hash.
 */
export interface PasswordOwner {
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
}

/** The words a password of this person in this practice must not be built on (P5). */
export function passwordContextFor(practice: Practice, owner: PasswordOwner): PasswordContext {
  return {
    policy: practice.settings.passwordPolicy,
    contextWords: [
      practice.code,
      practice.name,
      owner.username,
      owner.firstName,
      owner.lastName,
      owner.email.split('@')[0] ?? '',
    ],
  };
}

export type NewPasswordProblem =
  | { readonly reason: 'password_mismatch' }
  | { readonly reason: 'password_policy'; readonly violations: readonly PasswordViolation[] };

export type NewPasswordCheck =
  | { readonly ok: true; readonly passwordHash: string }
  | { readonly ok: false; readonly problem: NewPasswordProblem };

/**
 * Checks a password a person chose (confirmation, every policy rule, then history) and hashes
 * it. History compares with the current password (unless temporary) and the last N chosen ones.
 */
export async function checkChosenPassword(
  deps: ServiceDeps,
  input: {
    readonly practice: Practice;
    readonly user: User;
    readonly newPassword: string;
    readonly confirmPassword: string;
  },
): Promise<NewPasswordCheck> {
  const { practice, user, newPassword } = input;
  if (newPassword !== input.confirmPassword) return { ok: false, problem: { reason: 'password_mismatch' } };
  const { violations } = await inOwnTurn(() =>
    evaluatePassword(newPassword, passwordContextFor(practice, user)),
  );
  if (violations.length > 0) return { ok: false, problem: { reason: 'password_policy', violations } };
  if (await reusesRecentPassword(deps, practice, user, newPassword)) {
    const violation = historyViolation(practice.settings.passwordPolicy);
    return { ok: false, problem: { reason: 'password_policy', violations: [violation] } };
  }
  return { ok: true, passwordHash: await deps.hasher.hash(newPassword) };
}

async function reusesRecentPassword(
  deps: ServiceDeps,
  practice: Practice,
  user: User,
  password: string,
): Promise<boolean> {
  const count = practice.settings.passwordPolicy.historyCount;
  if (count === 0) return false;
  const current = user.passwordMustChange
    ? undefined
    : await findPasswordHash(deps.store.db, user.practiceId, user.id);
  const recent = await recentPasswordHashes(deps.store.db, user.id, count);
  const hashes = [...new Set([...(current ? [current] : []), ...recent])].slice(0, count);
  const matches = await Promise.all(hashes.map((hash) => deps.hasher.verify(hash, password)));
  return matches.includes(true);
}

/** Stores a chosen password: no longer temporary, remembered in the history. */
export async function storeChosenPassword(
  trx: Executor,
  user: User,
  change: { readonly passwordHash: string; readonly at: number; readonly clearFailures?: boolean },
): Promise<void> {
  await setPasswordHash(trx, user.practiceId, user.id, {
    passwordHash: change.passwordHash,
    mustChange: false,
    temporaryExpiresAt: null,
    at: change.at,
    clearFailures: change.clearFailures ?? false,
  });
  await addPasswordHistory(trx, { userId: user.id, passwordHash: change.passwordHash, at: change.at });
}

export interface IssuedTemporaryPassword {
  readonly temporaryPassword: string;
  readonly passwordHash: string;
  readonly expiresAt: number;
}

/**
 * A temporary password (R6) satisfying the practice's whole policy for this person, its hash,
 * and when it expires (the practice's lifetime, default 72 h). Only the hash is ever stored.
 */
export async function issueTemporaryPassword(
  deps: ServiceDeps,
  { practice, owner }: { readonly practice: Practice; readonly owner: PasswordOwner },
): Promise<IssuedTemporaryPassword> {
  const context = passwordContextFor(practice, owner);
  const temporaryPassword = await inOwnTurn(() =>
    generateTemporaryPassword(
      practice.settings.passwordPolicy,
      (candidate) => evaluatePassword(candidate, context).violations.length === 0,
    ),
  );
  return {
    temporaryPassword,
    passwordHash: await deps.hasher.hash(temporaryPassword),
    expiresAt: deps.clock.now() + practice.settings.temporaryPasswordHours * 3_600_000,
  };
}
