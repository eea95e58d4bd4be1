import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueDigestDay, IMMEDIATE_ALERTS_PER_HOUR } from '../../src/domain/admin-alerts.js';
import { sendDueDigests } from '../../src/services/mail/admin-alerts.js';
import type { Store } from '../../src/store/database.js';
import { enableTotp, savePendingTotp } from '../../src/store/two-factor-store.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { readOutbox } from '../support/mail.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  testDatabase,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * The notices (services/sign-in/new-device.ts, services/mail/admin-alerts.ts), read from the
 * outbox: two instances on one database, behind a trusted proxy so sign-ins come from chosen IPs.
 */
let stores: Store[];
let first: TestServer;
let second: TestServer;
let practice: TestPractice;
let boss: SeededUser;
let bossClient: HttpClient;

const HOUR = 3_600_000;
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const ALERT_LINE = 'You are told because you are a Practice Administrator of the practice.';
const NEW_DEVICE_LINE = 'has not been used from before';

beforeAll(async () => {
  stores = await openTestStores(2);
  const clock = testClock();
  first = await startTestServer({ store: stores[0], clock, trustProxy: 1 });
  second = await startTestServer({ store: stores[1], clock, trustProxy: 1 });
  practice = await seedPractice(first.deps);
  boss = await seedUser(first.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  bossClient = await signedInClient(first.url, practice.code, boss, { 'x-forwarded-for': '192.0.2.1' });
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await Promise.all(stores.map((store) => store.close()));
});

const storeOf = (i: number) => stores[i] as Store;
const adminEmail = () => `admin@${practice.code.toLowerCase()}.test`;
const emailOf = (user: SeededUser) => `${user.username}@${practice.code.toLowerCase()}.test`;

/** Every email delivered so far to `to` whose text holds `line`. */
async function mails(to: string, line: string) {
  await first.deliverMail();
  return readOutbox(first.outboxDir).filter((mail) => mail.to === to && mail.text.includes(line));
}

/** The practice's notice events, oldest first. */
async function notices() {
  const rows = await storeOf(0)
    .db.selectFrom('audit_events')
    .select(['type', 'details', 'seq'])
    .where('practice_id', '=', practice.practiceId)
    .where('type', 'like', 'notice.%')
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ type: row.type, details: JSON.parse(row.details) as Record<string, unknown> }));
}

function signIn(user: SeededUser, ip: string, userAgent: string, password = user.password) {
  return new HttpClient(first.url, { 'x-forwarded-for': ip, 'user-agent': userAgent }).post<{
    next?: string;
  }>('/api/auth/login', { practiceCode: practice.code, username: user.username, password });
}

async function lock(user: SeededUser, ip: string) {
  for (let i = 0; i < 3; i++) expect((await signIn(user, ip, CHROME, `wrong ${i}`)).status).toBe(401);
}

describe('new-device email', () => {
  it('stays quiet on a first sign-in and on the same browser from the same network; asks "Was this you?" from a new one', async () => {
    const user = await seedUser(first.deps, practice, { username: 'traveller' });
    expect((await signIn(user, '203.0.113.7', CHROME)).body.next).toBe('signed_in');
    // A browser update and another address of the same /24 are the same device.
    expect((await signIn(user, '203.0.113.99', CHROME.replace('142.', '143.'))).body.next).toBe('signed_in');
    expect(await mails(emailOf(user), NEW_DEVICE_LINE)).toHaveLength(0);

    expect((await signIn(user, '198.51.100.20', FIREFOX)).body.next).toBe('signed_in');
    const [mail, ...more] = await mails(emailOf(user), NEW_DEVICE_LINE);
    expect(more).toHaveLength(0);
    expect(mail?.raw).toMatch(/^Subject: .*Was_this_you/m);
    expect(mail?.text).toContain('IP address: 198.51.100.20');
    expect(mail?.text).toContain('Browser: Firefox 133 on Linux');
    expect(mail?.text).toMatch(/Time: \w{3} \d+, \d{4}, \d+:\d\d [AP]M E[SD]T/);
    expect(mail?.text).toContain('change your password');
    // The same new device again: known now.
    expect((await signIn(user, '198.51.100.21', FIREFOX)).body.next).toBe('signed_in');
    expect(await mails(emailOf(user), NEW_DEVICE_LINE)).toHaveLength(1);
    expect((await notices()).filter((event) => event.type === 'notice.new_device')).toEqual([
      { type: 'notice.new_device', details: { browser: 'Firefox 133 on Linux' } },
    ]);
  });
});

describe('administrator alerts', () => {
  it('emails the other administrators at once on a settings change, a lockout, a 2FA removal and an administrator added', async () => {
    const before = (await mails(adminEmail(), ALERT_LINE)).length;
    const settings = await bossClient.get<Record<string, unknown>>('/api/practice/security-settings');
    expect(settings.body.adminAlerts).toBe('immediately');
    const saved = await bossClient.request('PUT', '/api/practice/security-settings', {
      ...settings.body,
      lockout: { threshold: 3, minutes: 15 },
    });
    expect(saved.status).toBe(200);

    const clumsy = await seedUser(first.deps, practice, {
      username: 'clumsy',
      firstName: 'Jamie',
      lastName: 'Rivera',
    });
    await lock(clumsy, '198.51.100.30');

    const enrolled = await seedUser(first.deps, practice, { username: 'enrolled' });
    await savePendingTotp(storeOf(0).db, enrolled.id, 'not-a-real-box', first.clock.now());
    await enableTotp(storeOf(0).db, enrolled.id, first.clock.now());
    expect((await bossClient.request('DELETE', `/api/staff/${enrolled.id}/two-factor`)).status).toBe(204);

    const deputy = await seedUser(first.deps, practice, { username: 'deputy' });
    expect(
      (await bossClient.request('PATCH', `/api/staff/${deputy.id}`, { roles: ['practice_admin'] })).status,
    ).toBe(200);

    const alerts = await mails(adminEmail(), ALERT_LINE);
    expect(alerts).toHaveLength(before + 4);
    // Files written in the same millisecond have no order: find each by its words.
    const texts = alerts.map((mail) => mail.text.replace(/\s+/g, ' '));
    const alertSaying = (words: string) => texts.filter((text) => text.includes(words));
    expect(alertSaying('security settings: lockout.threshold from 10 to 3')).toHaveLength(1);
    const [locked] = alertSaying(
      'The account of Jamie Rivera (user name clumsy) was locked after 3 failed login attempts',
    );
    expect(locked).toContain('IP address: 198.51.100.30');
    expect(
      alertSaying('removed two-factor authentication from the account of Sam enrolled (user name enrolled)'),
    ).toHaveLength(1);
    expect(alertSaying('gave Sam deputy (user name deputy) the Practice Administrator role')).toHaveLength(1);
    // The administrator who made a change is not told of it; the others are.
    expect(await mails(emailOf(boss), ALERT_LINE)).toHaveLength(1); // only the lockout
    expect(
      (await notices()).filter((event) => event.type === 'notice.admin_alert').map((e) => e.details),
    ).toEqual([
      { alert: 'settings_changed', delivery: 'immediately', administrators: 1 },
      { alert: 'account_locked', delivery: 'immediately', administrators: 2 },
      { alert: 'two_factor_removed', delivery: 'immediately', administrators: 1 },
      // The new administrator is one of those told.
      { alert: 'admin_granted', delivery: 'immediately', administrators: 2 },
    ]);
  });

  it(`sends at most ${IMMEDIATE_ALERTS_PER_HOUR} immediate alerts an hour, folds the rest into one digest, sent by one of two instances`, async () => {
    // Four alerts so far this hour: one more goes at once, the next two are folded.
    for (const [i, name] of ['flood1', 'flood2', 'flood3'].entries())
      await lock(await seedUser(first.deps, practice, { username: name }), `198.51.100.${40 + i}`);
    const deliveries = (await notices())
      .filter((event) => event.type === 'notice.admin_alert')
      .map((event) => event.details.delivery);
    expect(deliveries).toEqual([...Array(IMMEDIATE_ALERTS_PER_HOUR).fill('immediately'), 'digest', 'digest']);
    const immediate = await mails(adminEmail(), ALERT_LINE);
    expect(immediate).toHaveLength(IMMEDIATE_ALERTS_PER_HOUR);

    while (!dueDigestDay(first.clock.now(), 'America/New_York')) first.clock.advance(HOUR);
    const digestFrom = (store: Store) => sendDueDigests({ store, clock: first.clock });
    // Two SQLite handles in one process cannot interleave writes (a busy wait blocks the loop): one after the other there.
    const sent =
      testDatabase() === 'postgres'
        ? await Promise.all(stores.map(digestFrom))
        : [await digestFrom(storeOf(0)), await digestFrom(storeOf(1))];
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(1);
    for (const to of [adminEmail(), emailOf(boss), `deputy@${practice.code.toLowerCase()}.test`]) {
      const [digest, ...more] = await mails(to, 'since the last digest');
      expect(more).toHaveLength(0);
      expect(digest?.raw).toMatch(/^Subject: .*Daily_security_digest/m);
      const text = digest?.text.replace(/\s+/g, ' ');
      expect(text).toContain('2 security alerts');
      expect(text).toContain('(user name flood2) was locked');
      expect(text).toContain('(user name flood3) was locked');
    }
    expect((await notices()).at(-1)).toMatchObject({
      type: 'notice.admin_digest',
      details: { alerts: 2, administrators: 3 },
    });
    // Nothing waits: no second digest, whichever instance asks.
    expect(await sendDueDigests({ store: storeOf(1), clock: first.clock })).toBe(0);
  });

  it('keeps every alert for the digest when the practice chose the daily digest, and sends the next day’s digest only the next day', async () => {
    first.clock.advance(HOUR);
    // The clock moved past the session's idle timeout.
    bossClient = await signedInClient(first.url, practice.code, boss, { 'x-forwarded-for': '192.0.2.1' });
    const settings = await bossClient.get<Record<string, unknown>>('/api/practice/security-settings');
    const saved = await bossClient.request<Record<string, unknown>>(
      'PUT',
      '/api/practice/security-settings',
      {
        ...settings.body,
        adminAlerts: 'daily_digest',
      },
    );
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.adminAlerts).toBe('daily_digest');
    // A client that knows nothing of the setting leaves it as it is.
    const older = { ...saved.body };
    delete older.adminAlerts;
    const kept = await bossClient.request<Record<string, unknown>>(
      'PUT',
      '/api/practice/security-settings',
      older,
    );
    expect(kept.body.adminAlerts).toBe('daily_digest');
    const before = (await mails(adminEmail(), ALERT_LINE)).length;
    // The switch itself was told at once, under the setting it replaced.
    expect(before).toBe(IMMEDIATE_ALERTS_PER_HOUR + 1);
    await lock(await seedUser(first.deps, practice, { username: 'quiet' }), '198.51.100.50');
    expect(await mails(adminEmail(), ALERT_LINE)).toHaveLength(before);
    expect((await notices()).at(-1)?.details).toEqual({
      alert: 'account_locked',
      delivery: 'digest',
      administrators: 0,
    });

    // Today's digest went already: this alert waits for tomorrow's.
    const day = dueDigestDay(first.clock.now(), 'America/New_York');
    expect(await sendDueDigests({ store: storeOf(0), clock: first.clock })).toBe(0);
    while (dueDigestDay(first.clock.now(), 'America/New_York') === day) first.clock.advance(HOUR);
    while (!dueDigestDay(first.clock.now(), 'America/New_York')) first.clock.advance(HOUR);
    expect(await sendDueDigests({ store: storeOf(0), clock: first.clock })).toBe(1);
    const digests = await mails(adminEmail(), 'since the last digest');
    expect(digests).toHaveLength(2);
    expect(digests[1]?.text.replace(/\s+/g, ' ')).toContain('1 security alert in');
  });
});
