import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAIN_START,
  checkChainHead,
  checkNextEvent,
  type ChainPosition,
} from '../../src/domain/audit-chain-check.js';
import type { NewAuditEvent } from '../../src/domain/audit-event.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../src/domain/security-settings.js';
import { NO_PROGRESS } from '../../src/domain/session-stage.js';
import { findChainHead, readChainRows } from '../../src/store/activity-store.js';
import { appendAuditEvent, fromAuditRow } from '../../src/store/audit-store.js';
import type { Store } from '../../src/store/database.js';
import { claimDueMail, enqueueMail, markMailSent, ERASED_BODY } from '../../src/store/mail-store.js';
import { insertPractice, type Practice } from '../../src/store/practice-store.js';
import {
  findRateLimitWindowEnd,
  returnRateLimitHits,
  takeRateLimitHits,
} from '../../src/store/rate-limit-store.js';
import {
  advanceSession,
  deleteSession,
  deleteUserSessions,
  findSessionWithAccount,
  insertSession,
  type StoredSession,
} from '../../src/store/session-store.js';
import { claimAttemptPlace, lockAccount } from '../../src/store/account-lock-store.js';
import {
  findAccountByName,
  findPasswordHash,
  findUserById,
  findUserByName,
  insertUser,
  recordSuccessfulLogin,
  setPasswordHash,
  type NewUser,
} from '../../src/store/user-store.js';
import {
  countStaffAccounts,
  listActiveWithoutTwoFactor,
  listStaffAccountFacts,
  listStaffAccounts,
} from '../../src/store/staff-security-store.js';
import {
  matchesFilter,
  STAFF_FILTERS,
  type FilterContext,
  type StaffAccount,
  type StaffCounts,
  type StaffFilter,
} from '../../src/domain/staff-filter.js';
import { openTestStore, testDatabase } from '../support/test-server.js';

/** The overview's counts as the domain's filters define them: what the SQL counts must equal. */
function countStaff(accounts: readonly StaffAccount[], context: FilterContext): StaffCounts {
  const counts = Object.fromEntries(
    STAFF_FILTERS.map((filter) => [filter, accounts.filter((a) => matchesFilter(a, filter, context)).length]),
  ) as Record<StaffFilter, number>;
  const active = accounts.filter((account) => account.status === 'active');
  return {
    ...counts,
    active: active.length,
    twoFactorEnabled: active.filter((account) => account.twoFactorEnabled).length,
  };
}

/**
 * The store's contract, run on each engine (this file runs in the api-sqlite and api-postgres
 * projects): what the services rely on, said once for both databases, so an engine change
 * (store/engine/) that breaks one is caught on that one. Each test makes its own practices.
 */
let store: Store;
const NOW = 1_800_000_000_000;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

async function newPractice(): Promise<Practice> {
  const id = randomUUID();
  const practice = {
    id,
    code: `C${id.slice(0, 8)}`,
    name: 'Contract Practice',
    settings: DEFAULT_SECURITY_SETTINGS,
    createdAt: NOW,
  };
  await insertPractice(store.db, practice);
  return practice;
}

async function newUser(practice: Practice, username = 'Nurse.Jo'): Promise<NewUser> {
  const user: NewUser = {
    id: randomUUID(),
    practiceId: practice.id,
    username,
    firstName: 'Jo',
    lastName: 'Nurse',
    email: `${username.toLowerCase()}@example.test`,
    roles: ['clinician', 'practice_admin'],
    supervisor: true,
    passwordHash: `hash-of-${randomUUID()}`,
    passwordMustChange: true,
    temporaryPasswordExpiresAt: NOW + 1000,
    now: NOW,
  };
  await insertUser(store.db, user);
  return user;
}

describe(`the store on ${testDatabase()}`, () => {
  describe('users', () => {
    it('read back every field written, by id and by name, only inside their practice', async () => {
      const practice = await newPractice();
      const other = await newPractice();
      const written = await newUser(practice);
      const expected = {
        id: written.id,
        practiceId: practice.id,
        username: 'Nurse.Jo',
        firstName: 'Jo',
        lastName: 'Nurse',
        email: 'nurse.jo@example.test',
        roles: ['clinician', 'practice_admin'],
        supervisor: true,
        status: 'active',
        passwordChangedAt: NOW,
        passwordMustChange: true,
        temporaryPasswordExpiresAt: NOW + 1000,
        failedAttempts: 0,
        lockedUntil: null,
        lockCount: 0,
        lastLogin: null,
        createdAt: NOW,
      };
      expect(await findUserById(store.db, practice.id, written.id)).toEqual(expected);
      expect(await findUserById(store.db, other.id, written.id)).toBeUndefined();

      const byName = await findUserByName(store.db, practice.code.toLowerCase(), 'NURSE.JO');
      expect(byName?.user).toEqual(expected);
      expect(byName?.practice.id).toBe(practice.id);
      expect(JSON.stringify(byName)).not.toContain(written.passwordHash);
      expect((await findUserByName(store.db, other.code, 'nurse.jo'))?.user).toBeUndefined();

      const account = await findAccountByName(store.db, practice.code, 'nurse.jo');
      expect(account?.credentials).toEqual({ user: expected, passwordHash: written.passwordHash });
    });

    it('record a sign-in, count failures and lock only through the right practice', async () => {
      const practice = await newPractice();
      const other = await newPractice();
      const user = await newUser(practice);
      const limits = { active: 5, locked: 1, abandonedMs: 60_000 };
      expect(await claimAttemptPlace(store.db, other.id, user.id, { at: NOW, limits })).toBeUndefined();
      expect(await claimAttemptPlace(store.db, practice.id, user.id, { at: NOW, limits })).toEqual({
        failedAttempts: 1,
        lockCount: 0,
        lockedUntil: null,
      });
      await lockAccount(store.db, other.id, user.id, { until: NOW + 5000, at: NOW });
      expect((await findUserById(store.db, practice.id, user.id))?.lockedUntil).toBeNull();
      await lockAccount(store.db, practice.id, user.id, { until: NOW + 5000, at: NOW });
      expect(await findUserById(store.db, practice.id, user.id)).toMatchObject({
        lockedUntil: NOW + 5000,
        lockCount: 1,
        failedAttempts: 0,
      });

      const login = { at: NOW + 9000, ip: '203.0.113.9', userAgent: 'Contract/1' };
      await recordSuccessfulLogin(store.db, other.id, user.id, login);
      expect((await findUserById(store.db, practice.id, user.id))?.lastLogin).toBeNull();
      await recordSuccessfulLogin(store.db, practice.id, user.id, login);
      expect(await findUserById(store.db, practice.id, user.id)).toMatchObject({
        lastLogin: { at: login.at, ip: login.ip, userAgent: login.userAgent },
        lockedUntil: null,
        lockCount: 0,
      });
    });

    it('read and change the password hash only through the right practice', async () => {
      const practice = await newPractice();
      const other = await newPractice();
      const user = await newUser(practice);
      expect(await findPasswordHash(store.db, other.id, user.id)).toBeUndefined();
      const change = { passwordHash: 'new-hash', mustChange: false, temporaryExpiresAt: null, at: NOW + 1 };
      await setPasswordHash(store.db, other.id, user.id, change);
      expect(await findPasswordHash(store.db, practice.id, user.id)).toBe(user.passwordHash);
      await setPasswordHash(store.db, practice.id, user.id, change);
      expect(await findPasswordHash(store.db, practice.id, user.id)).toBe('new-hash');
      expect(await findUserById(store.db, practice.id, user.id)).toMatchObject({
        passwordMustChange: false,
        temporaryPasswordExpiresAt: null,
        passwordChangedAt: NOW + 1,
      });
    });
  });

  describe('staff accounts', () => {
    it("lists a practice's users, or only those named, never another practice's", async () => {
      const practice = await newPractice();
      const other = await newPractice();
      const [jo, sam, kim] = [
        await newUser(practice, 'jo'),
        await newUser(practice, 'sam'),
        await newUser(practice, 'kim'),
      ];
      const stranger = await newUser(other, 'jo');
      const usernames = async (only?: ReadonlySet<string>) =>
        (await listStaffAccounts(store.db, practice.id, only)).map((row) => row.user.username).sort();
      expect(await usernames()).toEqual(['jo', 'kim', 'sam']);
      expect(await usernames(new Set([sam.id, kim.id, stranger.id]))).toEqual(['kim', 'sam']);
      expect(await usernames(new Set([jo.id, 'no-such-user']))).toEqual(['jo']);
      expect(await usernames(new Set())).toEqual([]);
    });
  });

  describe('staff counts', () => {
    const DAY = 86_400_000;
    /** A deterministic pseudo-random stream, so a failure can be replayed. */
    const rng = (seed: number) => {
      let x = seed >>> 0;
      return () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
    };

    /**
     * A practice whose users sit on either side of every rule's boundary (locked until now or a
     * millisecond later, signed in 89, 90 or 91 days ago, password changed on the expiry's
     * millisecond, two-factor enrolment started but not finished, ...), each fact drawn on its own.
     */
    async function variedPractice(
      users: number,
      seed: number,
    ): Promise<{ practice: Practice; ids: string[] }> {
      const practice = await newPractice();
      const random = rng(seed);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
      const rows = Array.from({ length: users }, (_, n) => {
        const createdAt = pick([NOW, NOW - 90 * DAY, NOW - 90 * DAY + 1, NOW - 400 * DAY]);
        return {
          id: randomUUID(),
          practice_id: practice.id,
          username: `user${n}`,
          username_folded: `user${n}`,
          first_name: 'Sam',
          last_name: `Staff${n}`,
          email: `user${n}@example.test`,
          roles: '["clinician"]',
          supervisor: 0,
          status: pick(['active', 'active', 'active', 'deactivated'] as const),
          password_hash: 'not-a-hash',
          password_changed_at: pick([
            NOW,
            NOW - 30 * DAY,
            NOW - 30 * DAY + 1,
            NOW - 90 * DAY,
            NOW - 90 * DAY + 1,
          ]),
          password_must_change: pick([0, 0, 1]),
          temporary_password_expires_at: null,
          locked_until: pick([null, null, NOW - 1, NOW, NOW + 1, NOW + DAY]),
          last_login_at: pick([
            null,
            NOW,
            NOW - 89 * DAY,
            NOW - 90 * DAY,
            NOW - 90 * DAY + 1,
            NOW - 91 * DAY,
          ]),
          last_login_ip: null,
          last_login_user_agent: null,
          created_at: createdAt,
          updated_at: NOW,
        };
      });
      await store.db.insertInto('users').values(rows).execute();
      const twoFactor = rows.flatMap((row) => {
        const state = pick(['none', 'enabled', 'enabled', 'started']);
        if (state === 'none') return [];
        const enabledAt = state === 'enabled' ? NOW - DAY : null;
        return [
          { user_id: row.id, secret_box: 'not-a-box', enabled_at: enabledAt, last_step: 0, created_at: NOW },
        ];
      });
      await store.db.insertInto('two_factor_totp').values(twoFactor).execute();
      return { practice, ids: rows.map((row) => row.id) };
    }

    it('count in SQL what countStaff counts over the accounts, at every boundary, only in the practice', async () => {
      const { practice, ids } = await variedPractice(240, 7);
      const other = await variedPractice(30, 8);
      const accounts = await listStaffAccountFacts(store.db, practice.id);
      expect(accounts).toHaveLength(240);
      for (const passwordExpiryDays of [90, 30, null]) {
        for (const named of [0, 1, 80]) {
          // Event ids as the log names them: this practice's users (active or not), another
          // practice's, and a user who is not there at all.
          const some = (from: number) =>
            new Set([...ids.slice(from, from + named), ...other.ids.slice(0, 3), 'gone']);
          const context: FilterContext = {
            now: NOW,
            passwordExpiryDays,
            events: {
              recentlyLocked: named === 0 ? new Set() : some(0),
              failedSignInBursts: named === 0 ? new Set() : some(100),
            },
          };
          const expected = countStaff(accounts, context);
          expect(await countStaffAccounts(store.db, practice.id, context)).toEqual(expected);
          // Each number tells users apart, so a rule that drifted would show.
          if (named === 80 && passwordExpiryDays !== null)
            for (const [name, value] of Object.entries(expected)) {
              expect(value, name).toBeGreaterThan(0);
              expect(value, name).toBeLessThan(accounts.length);
            }
        }
      }
    });

    it('list the active users without two-factor authentication as matchesFilter does, only in the practice', async () => {
      const { practice } = await variedPractice(120, 9);
      await variedPractice(20, 10);
      const context: FilterContext = {
        now: NOW,
        passwordExpiryDays: null,
        events: { recentlyLocked: new Set(), failedSignInBursts: new Set() },
      };
      const expected = (await listStaffAccountFacts(store.db, practice.id))
        .filter((account) => matchesFilter(account, 'no_two_factor', context))
        .map(({ id, username, firstName, lastName }) => ({ id, username, firstName, lastName }));
      expect(expected.length).toBeGreaterThan(0);
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect((await listActiveWithoutTwoFactor(store.db, practice.id)).sort(byId)).toEqual(
        expected.sort(byId),
      );
    });
  });

  describe('sessions', () => {
    async function newSession(practice: Practice, user: NewUser): Promise<StoredSession> {
      const session: StoredSession = {
        id: randomUUID(),
        userId: user.id,
        practiceId: practice.id,
        stage: 'two_factor',
        progress: { ...NO_PROGRESS, passwordChanged: true },
        createdAt: NOW,
        lastSeenAt: NOW + 1,
        ip: '198.51.100.7',
        userAgent: 'Contract/2',
      };
      await insertSession(store.db, session);
      return session;
    }

    it('find a session with its user and practice, every field as written', async () => {
      const practice = await newPractice();
      const user = await newUser(practice);
      const session = await newSession(practice, user);
      const found = await findSessionWithAccount(store, session.id);
      expect(found?.session).toEqual(session);
      expect(found?.user).toEqual(await findUserById(store.db, practice.id, user.id));
      expect(found?.practice).toEqual(practice);
      expect(await findSessionWithAccount(store, 'no such session')).toBeUndefined();
    });

    it('answer lookups asked together each with its own session', async () => {
      const practice = await newPractice();
      const users = await Promise.all(['a.one', 'b.two', 'c.three'].map((name) => newUser(practice, name)));
      const sessions = await Promise.all(users.map((user) => newSession(practice, user)));
      const found = await Promise.all(sessions.map((session) => findSessionWithAccount(store, session.id)));
      expect(found.map((account) => account?.user.username)).toEqual(['a.one', 'b.two', 'c.three']);
      expect(found.map((account) => account?.session.id)).toEqual(sessions.map((session) => session.id));
    });

    it('move a session to a new id, and end it or all of a user’s', async () => {
      const practice = await newPractice();
      const user = await newUser(practice);
      const first = await newSession(practice, user);
      const second = await newSession(practice, user);
      const next = { id: randomUUID(), stage: 'signed_in' as const, progress: NO_PROGRESS, at: NOW + 5 };
      expect(await advanceSession(store.db, first.id, next)).toBe(true);
      expect(await advanceSession(store.db, first.id, next)).toBe(false);
      expect(await findSessionWithAccount(store, first.id)).toBeUndefined();
      expect((await findSessionWithAccount(store, next.id))?.session).toMatchObject({
        stage: 'signed_in',
        lastSeenAt: NOW + 5,
      });
      expect(await deleteUserSessions(store.db, user.id, { exceptId: next.id })).toBe(1);
      expect(await findSessionWithAccount(store, second.id)).toBeUndefined();
      expect(await deleteSession(store.db, next.id)).toBe(true);
      expect(await deleteSession(store.db, next.id)).toBe(false);
    });
  });

  describe('audit events', () => {
    const event = (practiceId: string, n: number): NewAuditEvent => ({
      practiceId,
      type: 'login.succeeded',
      outcome: 'success',
      actor: { id: 'u1', username: 'nurse.jo' },
      target: null,
      ip: '192.0.2.1',
      userAgent: 'Contract/3',
      details: { n, note: 'ünïcode "quoted"' },
      at: NOW + n,
    });

    async function verify(chainId: string): Promise<{ position: ChainPosition; problems: unknown[] }> {
      let position = CHAIN_START;
      const problems: unknown[] = [];
      for (const row of await readChainRows(store.db, chainId, 0, 1000)) {
        const stored = fromAuditRow(row);
        const problem = checkNextEvent(position, stored);
        if (problem) problems.push(problem);
        position = { seq: stored.seq, hash: stored.hash };
      }
      const headProblem = checkChainHead(position, await findChainHead(store.db, chainId));
      if (headProblem) problems.push(headProblem);
      return { position, problems };
    }

    it('append events into a chain that verifies, in the order written', async () => {
      const practice = await newPractice();
      await store.transaction(async (trx) => {
        appendAuditEvent(trx, event(practice.id, 1));
        appendAuditEvent(trx, event(practice.id, 2));
      });
      await store.transaction(async (trx) => appendAuditEvent(trx, event(practice.id, 3)));
      const rows = await readChainRows(store.db, practice.id, 0, 10);
      expect(rows.map((row) => fromAuditRow(row).details)).toEqual(
        [1, 2, 3].map((n) => event('', n).details),
      );
      expect(await verify(practice.id)).toEqual({ position: { seq: 3, hash: rows[2]?.hash }, problems: [] });
    });

    it('write no event of a transaction that rolls back', async () => {
      const practice = await newPractice();
      await expect(
        store.transaction(async (trx) => {
          appendAuditEvent(trx, event(practice.id, 1));
          throw new Error('the write failed');
        }),
      ).rejects.toThrow('the write failed');
      expect(await readChainRows(store.db, practice.id, 0, 10)).toEqual([]);
      expect(await findChainHead(store.db, practice.id)).toBeUndefined();
    });

    it('find a changed event when verifying', async () => {
      const practice = await newPractice();
      await store.transaction(async (trx) => appendAuditEvent(trx, event(practice.id, 1)));
      await store.db
        .updateTable('audit_events')
        .set({ ip: '192.0.2.99' })
        .where('chain_id', '=', practice.id)
        .execute();
      expect((await verify(practice.id)).problems).toMatchObject([{ problem: 'content_changed', seq: 1 }]);
    });
  });

  describe('rate limits', () => {
    const window = { now: NOW, windowMs: 1000, max: 2 };
    /** One bucket's hit: when its window ends, or undefined when it was full. */
    const takeRateLimitHit = async (key: string, { now, windowMs, max }: typeof window) =>
      (await takeRateLimitHits(store.db, [{ key, windowMs, max }], now)).get(key);
    const returnRateLimitHit = (key: string, expiresAt: number) =>
      returnRateLimitHits(store.db, [{ key, expiresAt }]);

    it('take at most max hits in a window, and start a new window once it ends', async () => {
      const key = randomUUID();
      expect(await findRateLimitWindowEnd(store.db, key, NOW)).toBeUndefined();
      expect(await takeRateLimitHit(key, window)).toBe(NOW + 1000);
      expect(await takeRateLimitHit(key, { ...window, now: NOW + 10 })).toBe(NOW + 1000);
      expect(await takeRateLimitHit(key, { ...window, now: NOW + 20 })).toBeUndefined();
      expect(await findRateLimitWindowEnd(store.db, key, NOW + 20)).toBe(NOW + 1000);
      expect(await takeRateLimitHit(key, { ...window, now: NOW + 1000 })).toBe(NOW + 2000);
    });

    it('give a hit back within its window only', async () => {
      const key = randomUUID();
      await takeRateLimitHit(key, window);
      await takeRateLimitHit(key, window);
      await returnRateLimitHit(key, NOW + 1000);
      expect(await takeRateLimitHit(key, window)).toBe(NOW + 1000);
      await returnRateLimitHit(key, NOW + 5);
      expect(await takeRateLimitHit(key, window)).toBeUndefined();
    });

    it('take from several buckets in one statement, each against its own max, and give them back together', async () => {
      const [small, large] = [randomUUID(), randomUUID()];
      const buckets = [
        { key: small, windowMs: 1000, max: 1 },
        { key: large, windowMs: 2000, max: 3 },
      ];
      expect([...(await takeRateLimitHits(store.db, buckets, NOW))].sort()).toEqual(
        [
          [small, NOW + 1000],
          [large, NOW + 2000],
        ].sort(),
      );
      // The small bucket is full; the large one still takes its hit.
      expect([...(await takeRateLimitHits(store.db, buckets, NOW))]).toEqual([[large, NOW + 2000]]);
      await returnRateLimitHits(store.db, [
        { key: small, expiresAt: NOW + 1000 },
        { key: large, expiresAt: NOW + 2000 },
      ]);
      expect([...(await takeRateLimitHits(store.db, buckets, NOW))].sort()).toEqual(
        [
          [small, NOW + 1000],
          [large, NOW + 2000],
        ].sort(),
      );
      // Giving back a hit of a bucket that no longer exists changes nothing that counts.
      const gone = randomUUID();
      await returnRateLimitHits(store.db, [{ key: gone, expiresAt: NOW - 1 }]);
      expect(await takeRateLimitHit(gone, window)).toBe(NOW + 1000);
    });
  });

  describe('mail outbox', () => {
    it('hand a queued email to one claimant until its lease ends, and erase its body once sent', async () => {
      const practice = await newPractice();
      const to = `${randomUUID()}@example.test`;
      // Due far in the future, so other tests' mail (and this file's other runs) stay out of the way.
      const at = NOW + 365 * 86_400_000;
      await store.transaction((trx) =>
        enqueueMail(trx, {
          practiceId: practice.id,
          to,
          subject: 'Reset',
          text: 'link',
          html: '<p>link</p>',
          at,
        }),
      );
      const claimed = (await claimDueMail(store.db, at, 60_000, 100)).filter(
        (mail) => mail.to_address === to,
      );
      expect(claimed).toMatchObject([{ subject: 'Reset', text_body: 'link', attempts: 0, sent_at: null }]);
      expect(
        (await claimDueMail(store.db, at + 1, 60_000, 100)).filter((mail) => mail.to_address === to),
      ).toEqual([]);
      const id = claimed[0]?.id ?? '';
      await markMailSent(store.db, id, at + 2);
      const sent = await store.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      expect(sent).toMatchObject({ sent_at: at + 2, text_body: ERASED_BODY, html_body: ERASED_BODY });
      expect(
        (await claimDueMail(store.db, at + 120_000, 60_000, 100)).filter((mail) => mail.to_address === to),
      ).toEqual([]);
    });
  });
});
