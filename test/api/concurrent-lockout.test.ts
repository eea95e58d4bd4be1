import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS_WHILE_LOCKED } from '../../src/domain/account-lock.js';
import { RATE_LIMITS } from '../../src/domain/rate-limits.js';
import { totpCodeAt } from '../../src/domain/totp.js';
import { createPasswordHasher, type PasswordHasher } from '../../src/services/passwords/password-hasher.js';
import { validateSession } from '../../src/services/sessions/sessions.js';
import { completeSecondFactor } from '../../src/services/sign-in/two-factor-sign-in.js';
import type { Store } from '../../src/store/database.js';
import { deleteUserPendingSessions } from '../../src/store/session-store.js';
import { findUserById } from '../../src/store/user-store.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient, type ApiResponse } from '../support/http-client.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  TEST_SECRET_KEY,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp } from '../support/two-factor.js';

/**
 * Guesses sent all at once (issue: check-then-count let every request in flight through).
 * Two instances on one database, sharing one hasher that counts real verifications of a
 * user's hash (not the dummy ones that keep the timing uniform). The lock is tested with rate
 * limits off, so it stands on its own; the limits are tested on a second pair with them on.
 */
const THRESHOLD = 10;
const BURST = 100;
const MINUTE = 60_000;
/** Each burst is a hundred argon2id verifications (real or dummy) on a shared machine. */
const SLOW = { timeout: 180_000 };

let stores: Store[];
let first: TestServer;
let second: TestServer;
let limitedFirst: TestServer;
let limitedSecond: TestServer;
let practice: TestPractice;
let verifications = 0;

function countingHasher(): PasswordHasher {
  const hasher = createPasswordHasher();
  return {
    ...hasher,
    verify: (storedHash, password) => {
      verifications++;
      return hasher.verify(storedHash, password);
    },
  };
}

beforeAll(async () => {
  stores = await openTestStores(2);
  const clock = testClock();
  const hasher = countingHasher();
  const options = { clock, hasher, trustProxy: 1 };
  first = await startTestServer({ ...options, store: stores[0], rateLimiting: false });
  second = await startTestServer({ ...options, store: stores[1], rateLimiting: false });
  limitedFirst = await startTestServer({ ...options, store: stores[0] });
  limitedSecond = await startTestServer({ ...options, store: stores[1] });
  practice = await seedPractice(first.deps);
});
afterAll(async () => {
  await Promise.all([first, second, limitedFirst, limitedSecond].map((server) => server.close()));
  await Promise.all(stores.map((store) => store.close()));
});

/** Request i goes to instance i % 2, from one of 50 addresses. */
function signIn(servers: readonly TestServer[], user: SeededUser, password: string, i: number) {
  const server = servers[i % servers.length] as TestServer;
  const client = new HttpClient(server.url, { 'x-forwarded-for': `198.51.100.${i % 50}` });
  return client.post('/api/auth/login', { practiceCode: practice.code, username: user.username, password });
}

function wrongPasswords(user: SeededUser, servers = [first, second]): Promise<ApiResponse>[] {
  return Array.from({ length: BURST }, (_, i) => signIn(servers, user, `wrong guess ${i}`, i));
}

async function eventCount(user: SeededUser, type: string, reason?: string): Promise<number> {
  const events = await eventsOf(first.deps.store, user.id, 1000);
  return events.filter(
    (event) => event.type === type && (reason === undefined || event.details.reason === reason),
  ).length;
}

async function lockedUntil(user: SeededUser): Promise<number | null> {
  return (await findUserById(first.deps.store.db, practice.practiceId, user.id))?.lockedUntil ?? null;
}

describe('guesses sent at once', () => {
  it(
    `check at most ${THRESHOLD} of ${BURST} wrong passwords over two instances, refuse the right one sent with more, and keep the lock`,
    SLOW,
    async () => {
      const user = await seedUser(first.deps, practice, { username: 'burst.password' });
      const before = verifications;
      const answers = await Promise.all(wrongPasswords(user));
      // Every guess is refused. On PostgreSQL under heavy machine load a few may instead time out
      // queueing on the practice's audit chain (a 5xx, rolled back); none may sign in.
      expect(answers.filter((answer) => answer.status !== 401 && answer.status < 500)).toEqual([]);
      expect(await eventCount(user, 'login.failed', 'wrong_password')).toBeLessThanOrEqual(THRESHOLD);
      expect(await eventCount(user, 'account.locked')).toBe(1);
      // The lock's own few checks (domain/account-lock.ts) come out of the next lock's count.
      expect(verifications - before).toBeLessThanOrEqual(THRESHOLD + CHECKS_WHILE_LOCKED);
      const until = await lockedUntil(user);
      expect(until).toBe(first.clock.now() + 15 * MINUTE);

      const withRight = await Promise.all([
        ...wrongPasswords(user),
        signIn([second], user, user.password, 0),
      ]);
      expect(withRight.filter((answer) => answer.status === 200)).toEqual([]);
      expect([401, 403]).toContain(withRight.at(-1)?.status);
      expect(await lockedUntil(user)).toBe(until);
      expect(await eventCount(user, 'login.succeeded')).toBe(0);

      // From one lock to the next, at most THRESHOLD guesses are checked in all.
      first.clock.advance(15 * MINUTE + 1);
      let guesses = 0;
      while ((await lockedUntil(user)) === until && guesses <= THRESHOLD) {
        expect((await signIn([first, second], user, `later guess ${guesses}`, guesses)).status).toBe(401);
        guesses++;
      }
      expect(await eventCount(user, 'account.locked')).toBe(2);
      expect(verifications - before).toBeLessThanOrEqual(2 * THRESHOLD);
    },
  );

  it(
    `check at most ${THRESHOLD} of ${BURST} wrong second-factor codes over two instances; the right code then signs nothing in`,
    SLOW,
    async () => {
      const user = await seedUser(first.deps, practice, { username: 'burst.code' });
      const { secret } = await enrolTotp(
        await signedInClient(first.url, practice.code, user),
        user.password,
        first.clock,
      );
      const browser = new HttpClient(first.url);
      const step = await browser.post<{ next: string }>('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: user.password,
      });
      expect(step.body.next).toBe('two_factor');
      first.clock.advance(30_000);
      const now = first.clock.now();
      const right = totpCodeAt(secret, now);
      // Codes of the steps a check accepts, and one more each side, are never sent as wrong ones.
      const near = new Set([-2, -1, 0, 1, 2].map((steps) => totpCodeAt(secret, now + steps * 30_000)));
      const wrongCodes = Array.from({ length: BURST + near.size }, (_, i) => String(100_000 + i)).filter(
        (code) => !near.has(code),
      );
      const wrong = (i: number) => wrongCodes[i] ?? '';
      const twin = browser.cloneTo(second.url);
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          (i % 2 ? twin : browser).post('/api/auth/two-factor', { code: wrong(i), rememberBrowser: false }),
        ),
      );
      expect(answers.filter((answer) => answer.status === 200)).toEqual([]);
      expect(await eventCount(user, 'two_factor.failed', 'invalid_code')).toBe(THRESHOLD);
      expect(await eventCount(user, 'account.locked')).toBe(1);
      const until = await lockedUntil(user);
      expect(until).not.toBeNull();

      const late = await browser.post('/api/auth/two-factor', { code: right, rememberBrowser: false });
      expect(late.status).toBe(401);
      expect(await eventCount(user, 'two_factor.succeeded')).toBe(0);
      expect(await lockedUntil(user)).toBe(until);
    },
  );

  it('record no success for a right code whose sign-in ended while it was checked', async () => {
    const user = await seedUser(first.deps, practice, { username: 'ended.code' });
    const { secret } = await enrolTotp(
      await signedInClient(first.url, practice.code, user),
      user.password,
      first.clock,
    );
    const browser = new HttpClient(first.url);
    await browser.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    const origin = { ip: '192.0.2.7', userAgent: 'test' };
    const checked = await validateSession(first.deps, {
      token: browser.cookies.get('gh_session') ?? '',
      origin,
    });
    if (checked.status !== 'valid') throw new Error('no sign-in in progress');
    // As a lock reached on another instance does: the pending sign-in ends mid-request.
    await deleteUserPendingSessions(first.deps.store.db, user.id);
    first.clock.advance(30_000);
    const result = await completeSecondFactor(
      { ...first.deps, secretKeys: [TEST_SECRET_KEY] },
      {
        auth: checked.value,
        origin,
        code: totpCodeAt(secret, first.clock.now()),
        rememberBrowser: true,
      },
    );
    expect(result).toEqual({ ok: false });
    expect(await eventCount(user, 'two_factor.succeeded')).toBe(0);
    expect(await eventCount(user, 'two_factor.failed', 'session_ended')).toBe(1);
  });

  it('answer at most the per-account limit without 429 when sign-ins arrive at once', SLOW, async () => {
    const user = await seedUser(first.deps, practice, { username: 'burst.limited' });
    const answers = await Promise.all(wrongPasswords(user, [limitedFirst, limitedSecond]));
    const [, accountRule] = RATE_LIMITS.login.rules;
    expect(answers.filter((answer) => answer.status !== 429)).toHaveLength(accountRule.max);
  });
});
