import { randomUUID } from 'node:crypto';
import { compiledOnce } from './compiled-once.js';
import type { Executor } from './handle.js';

/**
 * Two-factor state of a user: the TOTP secret box with its replay guard, and recovery codes.
 * Secrets leave this module only as the encrypted box; callers decrypt with the instance key.
 */
export interface TwoFactorStatus {
  /** A confirmed authenticator app. */
  readonly enabled: boolean;
  /** Unused recovery codes; null when two-factor authentication is off. */
  readonly recoveryCodesRemaining: number | null;
  /** Registered passkeys / security keys. */
  readonly passkeys: number;
}

export interface StoredTotp {
  readonly secretBox: string;
  readonly enabled: boolean;
  readonly lastStep: number;
}

/** What the Security & Activity section (and GET /api/me/security) shows about a user's 2FA. */
export async function findTwoFactorStatus(db: Executor, userId: string): Promise<TwoFactorStatus> {
  const [totp, codes, passkeys] = await Promise.all([
    findTotp(db, userId),
    db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('passkeys')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  const enabled = totp?.enabled ?? false;
  return {
    enabled,
    recoveryCodesRemaining: enabled ? Number(codes.n) : null,
    passkeys: Number(passkeys.n),
  };
}

/** Whether the user has confirmed TOTP: the one fact a sign-in needs, in one query. */
export async function isTwoFactorEnabled(db: Executor, userId: string): Promise<boolean> {
  const [row] = (await selectTotpEnabledAt(db, { userId })).rows;
  return row !== undefined && row.enabled_at !== null;
}

// Every sign-in asks it.
const selectTotpEnabledAt = compiledOnce(['userId'], (db, { userId }: { userId: string }) =>
  db.selectFrom('two_factor_totp').select('enabled_at').where('user_id', '=', userId),
);

export async function findTotp(db: Executor, userId: string): Promise<StoredTotp | undefined> {
  const row = await db
    .selectFrom('two_factor_totp')
    .select(['secret_box', 'enabled_at', 'last_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (
    row && { secretBox: row.secret_box, enabled: row.enabled_at !== null, lastStep: Number(row.last_step) }
  );
}

/**
 * Starts (or restarts) an enrolment: a new secret, not yet enabled. One upsert, which leaves
 * an enabled secret untouched; returns false in that case.
 */
export async function savePendingTotp(
  db: Executor,
  userId: string,
  secretBox: string,
  at: number,
): Promise<boolean> {
  const result = await db
    .insertInto('two_factor_totp')
    .values({ user_id: userId, secret_box: secretBox, enabled_at: null, last_step: 0, created_at: at })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_box: secretBox, last_step: 0, created_at: at })
        .where('two_factor_totp.enabled_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Records that a code of `step` was accepted, only if no code of that step or a later one was
 * accepted before. One conditional UPDATE: of two instances racing with the same code, the
 * database lets exactly one through (F1, also across instances).
 */
export async function claimTotpStep(db: Executor, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('two_factor_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('last_step', '<', step)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function enableTotp(db: Executor, userId: string, at: number): Promise<void> {
  await db.updateTable('two_factor_totp').set({ enabled_at: at }).where('user_id', '=', userId).execute();
}

/** Replaces the user's recovery codes with a new set of hashes. */
export async function replaceRecoveryCodes(
  db: Executor,
  userId: string,
  codeHashes: readonly string[],
  at: number,
): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(
      codeHashes.map((hash) => ({ id: randomUUID(), user_id: userId, code_hash: hash, created_at: at })),
    )
    .execute();
}

/** Marks an unused code used; false when it is unknown or was used already (single use, atomic). */
export async function useRecoveryCode(
  db: Executor,
  userId: string,
  codeHash: string,
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Turns two-factor authentication off: secret, recovery codes, passkeys and challenges go. */
export async function deleteTwoFactor(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('two_factor_totp').where('user_id', '=', userId).execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('passkeys').where('user_id', '=', userId).execute();
  await db.deleteFrom('webauthn_challenges').where('user_id', '=', userId).execute();
}

export interface TotpBox {
  readonly userId: string;
  readonly secretBox: string;
}

/**
 * The next page (in user id order, after `afterUserId`) of TOTP boxes that do not start with
 * `prefix`, i.e. are not sealed with the current key (domain/secret-box.ts boxPrefix). The
 * prefix is hex and dots, so it holds no LIKE wildcard.
 */
export async function listTotpBoxesNotStartingWith(
  db: Executor,
  prefix: string,
  afterUserId: string,
  limit: number,
): Promise<TotpBox[]> {
  const rows = await db
    .selectFrom('two_factor_totp')
    .select(['user_id', 'secret_box'])
    .where('user_id', '>', afterUserId)
    .where('secret_box', 'not like', `${prefix}%`)
    .orderBy('user_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ userId: row.user_id, secretBox: row.secret_box }));
}

/** How many TOTP boxes (enabled or pending) do, or do not, start with `prefix`. */
export async function countTotpBoxes(
  db: Executor,
  prefix: string,
): Promise<{ with: number; without: number }> {
  const count = (operator: 'like' | 'not like') =>
    db
      .selectFrom('two_factor_totp')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('secret_box', operator, `${prefix}%`)
      .executeTakeFirstOrThrow();
  const [sealed, other] = await Promise.all([count('like'), count('not like')]);
  return { with: Number(sealed.n), without: Number(other.n) };
}

/**
 * Replaces a user's box only if it is still the one read; false when the user enrolled again
 * (or turned 2FA off) meanwhile, whose new row must not be overwritten with the old secret.
 */
export async function replaceTotpBox(
  db: Executor,
  userId: string,
  expectedBox: string,
  newBox: string,
): Promise<boolean> {
  const result = await db
    .updateTable('two_factor_totp')
    .set({ secret_box: newBox })
    .where('user_id', '=', userId)
    .where('secret_box', '=', expectedBox)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
