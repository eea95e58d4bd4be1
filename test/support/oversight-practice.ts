import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/domain/roles.js';
import { audit } from '../../src/services/activity/audit.js';
import type { ServiceDeps } from '../../src/services/context.js';
import { findPracticeById, updatePracticeSettings } from '../../src/store/practice-store.js';
import { enableTotp, savePendingTotp } from '../../src/store/two-factor-store.js';
import { lockAccount } from '../../src/store/account-lock-store.js';
import { insertUser, recordSuccessfulLogin, setUserStatus } from '../../src/store/user-store.js';
import { seedPractice, type SeededUser, type TestPractice } from './test-server.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ORIGIN = { ip: '203.0.113.9', userAgent: 'oversight seed' };

/**
 * A practice whose security overview has known numbers (passwords expire after 90 days):
 *
 * | user  | state                                                        |
 * |-------|--------------------------------------------------------------|
 * | admin | the practice's first admin: temporary password, never signed in, no 2FA |
 * | boss  | Practice Administrator, signed in today, no 2FA (signs in to the tests) |
 * | alice | 2FA, signed in yesterday                                     |
 * | bob   | 2FA, locked for another hour (locked out an hour ago)        |
 * | carol | temporary password for 48 more hours, never signed in, no 2FA |
 * | dave  | 2FA, created 200 days ago, last signed in 100 days ago: inactive, password expired |
 * | erin  | deactivated, no 2FA                                          |
 * | frank | 2FA, refused sign-in 6 times in the last hour; locked 30 days ago (not recent) |
 */
export const OVERSIGHT_COUNTS = {
  active: 7,
  twoFactorEnabled: 4,
  no_two_factor: 3,
  locked: 1,
  never_signed_in: 2,
  temporary_password: 2,
  inactive_90_days: 1,
  password_expired: 1,
  recent_lockout: 1,
  failed_sign_in_burst: 1,
  deactivated: 1,
} as const;

export const OVERSIGHT_LOCKOUTS = 1;

/** Who each filter lists, by user name, sorted. */
export const OVERSIGHT_FILTERED: Readonly<Record<keyof typeof OVERSIGHT_COUNTS, readonly string[]>> = {
  active: ['admin', 'alice', 'bob', 'boss', 'carol', 'dave', 'frank'],
  twoFactorEnabled: ['alice', 'bob', 'dave', 'frank'],
  no_two_factor: ['admin', 'boss', 'carol'],
  locked: ['bob'],
  never_signed_in: ['admin', 'carol'],
  temporary_password: ['admin', 'carol'],
  inactive_90_days: ['dave'],
  password_expired: ['dave'],
  recent_lockout: ['bob'],
  failed_sign_in_burst: ['frank'],
  deactivated: ['erin'],
};

export interface OversightPractice {
  readonly practice: TestPractice;
  /** boss, whose password signs in. */
  readonly admin: SeededUser;
  readonly ids: Readonly<Record<string, string>>;
}

export async function seedOversightPractice(deps: ServiceDeps): Promise<OversightPractice> {
  const practice = await seedPractice(deps, 'O');
  const { db } = deps.store;
  const now = deps.clock.now();
  const stored = await findPracticeById(db, practice.practiceId);
  if (!stored) throw new Error('the seeded practice vanished');
  await updatePracticeSettings(db, practice.practiceId, {
    ...stored.settings,
    passwordPolicy: { ...stored.settings.passwordPolicy, expiryDays: 90 },
  });

  const bossPassword = 'correct horse boss battery staple';
  const passwordHash = await deps.hasher.hash(bossPassword);
  const ids: Record<string, string> = { admin: practice.adminId };
  const add = async (
    username: string,
    firstName: string,
    options: { roles?: Role[]; createdAt?: number; temporaryUntil?: number } = {},
  ) => {
    const id = randomUUID();
    ids[username] = id;
    await insertUser(db, {
      id,
      practiceId: practice.practiceId,
      username,
      firstName,
      lastName: `${username[0]?.toUpperCase()}${username.slice(1)}son`,
      email: `${username}@${practice.code.toLowerCase()}.test`,
      roles: options.roles ?? ['clinician'],
      passwordHash,
      passwordMustChange: options.temporaryUntil !== undefined,
      temporaryPasswordExpiresAt: options.temporaryUntil ?? null,
      now: options.createdAt ?? now - 2 * DAY,
    });
    return id;
  };
  const signedIn = (id: string, at: number) =>
    recordSuccessfulLogin(db, practice.practiceId, id, { at, ...ORIGIN });
  const withTwoFactor = async (id: string) => {
    await savePendingTotp(db, id, 'not-a-real-box', now - 3 * DAY);
    await enableTotp(db, id, now - 3 * DAY);
  };

  await signedIn(await add('boss', 'Bea', { roles: ['practice_admin'] }), now - HOUR);
  const alice = await add('alice', 'Alice');
  await withTwoFactor(alice);
  await signedIn(alice, now - DAY);
  const bob = await add('bob', 'Bob');
  await withTwoFactor(bob);
  await signedIn(bob, now - 2 * DAY);
  await lockAccount(db, practice.practiceId, bob, { until: now + HOUR, at: now - HOUR });
  await add('carol', 'Carol', { createdAt: now - DAY, temporaryUntil: now + 48 * HOUR });
  const dave = await add('dave', 'Dave', { createdAt: now - 200 * DAY });
  await withTwoFactor(dave);
  await signedIn(dave, now - 100 * DAY);
  const erin = await add('erin', 'Erin');
  await setUserStatus(db, practice.practiceId, erin, 'deactivated', now - DAY);
  const frank = await add('frank', 'Frank');
  await withTwoFactor(frank);
  await signedIn(frank, now - HOUR);

  await deps.store.transaction(async (trx) => {
    const event = {
      practiceId: practice.practiceId,
      outcome: 'success',
      actor: null,
      origin: ORIGIN,
    } as const;
    await audit(trx, {
      ...event,
      type: 'account.locked',
      target: { id: bob, username: 'bob' },
      at: now - HOUR,
    });
    await audit(trx, {
      ...event,
      type: 'account.locked',
      target: { id: frank, username: 'frank' },
      at: now - 30 * DAY,
    });
    for (let i = 0; i < 6; i++)
      await audit(trx, {
        ...event,
        outcome: 'failure',
        type: 'login.failed',
        target: { id: frank, username: 'frank' },
        at: now - HOUR + i * 60_000,
        details: { reason: 'wrong_password' },
      });
    // Four refusals are not a burst.
    for (let i = 0; i < 4; i++)
      await audit(trx, {
        ...event,
        outcome: 'failure',
        type: 'login.failed',
        target: { id: alice, username: 'alice' },
        at: now - HOUR + i * 60_000,
        details: { reason: 'wrong_password' },
      });
  });
  return { practice, admin: { id: ids.boss ?? '', username: 'boss', password: bossPassword }, ids };
}
