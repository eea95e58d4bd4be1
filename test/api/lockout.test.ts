import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABANDONED_PLACE_MS } from '../../src/domain/account-lock.js';
import { claimAttempt, countFailure } from '../../src/services/sign-in/auth-failures.js';
import type { Store } from '../../src/store/database.js';
import { findPracticeById } from '../../src/store/practice-store.js';
import { findUserById } from '../../src/store/user-store.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** Two instances on one database, behind a trusted proxy so tests can speak from several IPs. */
let stores: Store[];
let first: TestServer;
let second: TestServer;
let practice: TestPractice;
let otherPractice: TestPractice;
let admin: SeededUser;

const IPS = ['198.51.100.1', '198.51.100.2', '2001:db8::3'];
const MINUTE = 60_000;

beforeAll(async () => {
  stores = await openTestStores(2);
  const clock = testClock();
  first = await startTestServer({ store: stores[0], clock, trustProxy: 1 });
  second = await startTestServer({ store: stores[1], clock, trustProxy: 1 });
  practice = await seedPractice(first.deps);
  otherPractice = await seedPractice(first.deps);
  admin = await seedUser(first.deps, practice, { username: 'boss', roles: ['practice_admin'] });
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await Promise.all(stores.map((store) => store.close()));
});

/** Sign-in attempt i goes to instance i % 2 from IP i % 3. */
function attempt(user: SeededUser, password: string, i: number) {
  const client = new HttpClient(i % 2 ? second.url : first.url, {
    'x-forwarded-for': IPS[i % IPS.length] ?? '',
  });
  return client.post('/api/auth/login', { practiceCode: practice.code, username: user.username, password });
}

async function failTimes(user: SeededUser, times: number) {
  for (let i = 0; i < times; i++) {
    const response = await attempt(user, `wrong password ${i}`, i);
    expect(response.status).toBe(401);
  }
}

/** The .eml body as text (quoted-printable soft breaks and escapes undone). */
function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

async function lockedUntil(user: SeededUser): Promise<number | null> {
  const found = await findUserById(first.deps.store.db, practice.practiceId, user.id);
  return found?.lockedUntil ?? null;
}

describe('account lock', () => {
  it('locks after 10 wrong passwords over two instances and three IPs; the right one is then told the lock’s end, a wrong one the uniform answer', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target1' });
    await failTimes(user, 9);
    expect(await lockedUntil(user)).toBeNull();
    expect((await attempt(user, 'wrong again', 9)).status).toBe(401);
    expect(await lockedUntil(user)).toBe(first.clock.now() + 15 * MINUTE);

    const right = await attempt(user, user.password, 10);
    const wrong = await attempt(user, 'still wrong', 10);
    expect(right.status).toBe(403);
    expect(right.body).toEqual({
      error: {
        code: 'account_locked',
        message: expect.any(String),
        lockedUntil: new Date(first.clock.now() + 15 * MINUTE).toISOString(),
      },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    expect(await lockedUntil(user)).toBe(first.clock.now() + 15 * MINUTE);

    const events = await eventsOf(first.deps.store, user.id);
    const locked = events.find((event) => event.type === 'account.locked');
    expect(locked).toMatchObject({ outcome: 'success', actor: null, target: { id: user.id } });
    expect(locked?.details).toMatchObject({ failures: 10, lockNumber: 1, minutes: 15 });
    expect(events[0]).toMatchObject({ type: 'login.failed', details: { reason: 'locked' } });
  });

  it('emails the user "Your account was locked" with time, IP and browser, and a reset hint', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target2' });
    await failTimes(user, 10);
    await first.deliverMail();
    const mails = readdirSync(first.outboxDir).map((file) =>
      decodeQuotedPrintable(readFileSync(path.join(first.outboxDir, file), 'utf8')),
    );
    const mail = mails.find((text) => text.includes(`To: ${user.username}@`));
    expect(mail).toBeDefined();
    expect(mail).toMatch(/^Subject: =\?UTF-8\?Q\?Your_account_was_locked/m);
    expect(mail).toMatch(/Time: \w{3} \d+, \d{4}/);
    expect(mail).toMatch(/IP address: (198\.51\.100\.\d|2001:db8::3)/);
    expect(mail).toContain('Browser:');
    expect(mail).toContain('Forgot Password?');
    expect(mail).not.toContain('wrong password');
  });

  it('lets a Practice Administrator unlock, recording account.unlocked, and the right password works again', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target3' });
    await failTimes(user, 10);
    const boss = await signedInClient(first.url, practice.code, admin);
    const unlocked = await boss.post(`/api/staff/${user.id}/unlock`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toEqual({ locked: null });
    expect(await lockedUntil(user)).toBeNull();
    const events = await eventsOf(first.deps.store, user.id);
    expect(events[0]).toMatchObject({
      type: 'account.unlocked',
      actor: { id: admin.id },
      target: { id: user.id },
    });
    expect((await attempt(user, user.password, 0)).status).toBe(200);
  });

  it('hides unlock from non-admins and from other practices (404)', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target4' });
    const stranger = await seedUser(first.deps, otherPractice, {
      username: 'stranger',
      roles: ['clinician'],
    });
    await failTimes(user, 10);
    const clinician = await signedInClient(
      first.url,
      practice.code,
      await seedUser(first.deps, practice, { username: 'peer' }),
    );
    expect((await clinician.post(`/api/staff/${user.id}/unlock`)).status).toBe(404);
    const boss = await signedInClient(first.url, practice.code, admin);
    const foreign = await boss.post(`/api/staff/${stranger.id}/unlock`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: 'not_found' } });
    expect(await lockedUntil(user)).not.toBeNull();
  });

  it('doubles the lock on each repeat, and a completed sign-in resets the doubling', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target5' });
    await failTimes(user, 10);
    first.clock.advance(15 * MINUTE + 1);
    expect(await lockedUntil(user)).not.toBeNull(); // expired lock, still on record
    await failTimes(user, 10);
    expect(await lockedUntil(user)).toBe(first.clock.now() + 30 * MINUTE);
    first.clock.advance(29 * MINUTE);
    expect((await attempt(user, user.password, 1)).status).toBe(403);
    first.clock.advance(MINUTE + 1);
    expect((await attempt(user, user.password, 1)).status).toBe(200);

    await failTimes(user, 10);
    expect(await lockedUntil(user)).toBe(first.clock.now() + 15 * MINUTE);
  });

  it('clears the failure count on a completed sign-in, so failures must be consecutive', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target6' });
    await failTimes(user, 9);
    expect((await attempt(user, user.password, 0)).status).toBe(200);
    await failTimes(user, 9);
    expect(await lockedUntil(user)).toBeNull();
  });

  it('counts TOTP and recovery-code failures through claimAttempt and countFailure towards the same lock', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target7' });
    await failTimes(user, 4);
    const stored = await findUserById(first.deps.store.db, practice.practiceId, user.id);
    const current = await findPracticeById(first.deps.store.db, practice.practiceId);
    if (!stored || !current) throw new Error('seeded user missing');
    const account = { user: stored, practice: current };
    const origin = { ip: '192.0.2.9', userAgent: 'totp test' };
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const place = await claimAttempt(first.deps.store.db, account, first.clock.now());
      if (!place) throw new Error('no place before the threshold');
      outcomes.push(await first.deps.store.transaction((trx) => countFailure(trx, place, origin)));
    }
    expect(outcomes).toEqual(['counted', 'counted', 'counted', 'counted', 'counted', 'locked']);
    expect(await lockedUntil(user)).toBe(first.clock.now() + 15 * MINUTE);
    expect(await claimAttempt(first.deps.store.db, account, first.clock.now())).toBeUndefined();
    expect((await attempt(user, user.password, 2)).status).toBe(403);
  });

  it('lets a lock that its request could not write happen later, so a full count never shuts the account for good', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target9' });
    const stored = await findUserById(first.deps.store.db, practice.practiceId, user.id);
    const current = await findPracticeById(first.deps.store.db, practice.practiceId);
    if (!stored || !current) throw new Error('seeded user missing');
    // Ten places taken by checks whose requests then failed (a database timeout) before counting.
    for (let i = 0; i < 10; i++)
      expect(
        await claimAttempt(first.deps.store.db, { user: stored, practice: current }, first.clock.now()),
      ).toBeDefined();
    expect((await attempt(user, user.password, 0)).status).toBe(401);
    expect(await lockedUntil(user)).toBeNull();

    first.clock.advance(ABANDONED_PLACE_MS);
    expect((await attempt(user, 'wrong after the pause', 1)).status).toBe(401);
    expect(await lockedUntil(user)).toBe(first.clock.now() + 15 * MINUTE);
  });

  it('uses the practice’s threshold and minutes', async () => {
    const user = await seedUser(first.deps, practice, { username: 'target8' });
    const { updatePracticeSettings } = await import('../../src/store/practice-store.js');
    const current = await findPracticeById(first.deps.store.db, practice.practiceId);
    if (!current) throw new Error('practice missing');
    await updatePracticeSettings(first.deps.store.db, practice.practiceId, {
      ...current.settings,
      lockout: { threshold: 3, minutes: 5 },
    });
    try {
      await failTimes(user, 3);
      expect(await lockedUntil(user)).toBe(first.clock.now() + 5 * MINUTE);
    } finally {
      await updatePracticeSettings(first.deps.store.db, practice.practiceId, current.settings);
    }
  });
});
