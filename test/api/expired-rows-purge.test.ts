import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueDigestDay } from '../../src/domain/admin-alerts.js';
import { sendDueDigests } from '../../src/services/mail/admin-alerts.js';
import {
  KNOWN_DEVICE_RETENTION_DAYS,
  purgeExpiredRows,
  startExpiredRowsPurge,
  type PurgeReport,
} from '../../src/services/operations/expired-rows-purge.js';
import type { Store } from '../../src/store/database.js';
import { oidcAdapterFactory } from '../../src/services/apps/oidc-adapter.js';
import { PURGED_TABLES, type PurgedTable } from '../../src/store/expired-rows-store.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testDatabase,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';

/**
 * The scheduled purge (services/operations/expired-rows-purge.ts): rows made by real requests, some long
 * over and some fresh; the purge deletes exactly the first, also with two instances purging
 * one database at the same moment.
 */
let server: TestServer;
let second: Store;
let practice: TestPractice;
let boss: SeededUser;
let userCount = 0;

beforeAll(async () => {
  const [first, other] = (await openTestStores(2)) as [Store, Store];
  second = other;
  server = await startTestServer({ store: first });
  practice = await seedPractice(server.deps);
  // A second administrator, so a settings change (by this one) has someone to alert.
  boss = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
});
afterAll(async () => {
  await server.close();
  await server.deps.store.close();
  await second.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const newUser = () => seedUser(server.deps, practice, { username: `purged${userCount++}` });

/** Each purged table's rows, as text, so rows can be compared as sets. */
async function rowsByTable(): Promise<Record<PurgedTable, string[]>> {
  const tables = {} as Record<PurgedTable, string[]>;
  for (const table of PURGED_TABLES) {
    const rows = await server.deps.store.db.selectFrom(table).selectAll().execute();
    tables[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return tables;
}

/**
 * A daily digest sent, which claims the practice's local date (a row in admin_alert_digests):
 * a settings change waits for it under the daily digest, and the clock moves to the digest's hour.
 */
async function sendADigest() {
  const admin = await signedInClient(server.url, practice.code, boss);
  const { body } = await admin.get<{ lockout: { threshold: number; minutes: number } }>(
    '/api/practice/security-settings',
  );
  // Two changes: the first may be the switch to the digest, which is told at once.
  for (const more of [1, 2]) {
    const saved = await admin.request('PUT', '/api/practice/security-settings', {
      ...body,
      adminAlerts: 'daily_digest',
      lockout: { ...body.lockout, minutes: body.lockout.minutes + more },
    });
    expect(saved.status, saved.text).toBe(200);
  }
  while (!dueDigestDay(server.clock.now(), 'America/New_York')) server.clock.advance(HOUR);
  expect(await sendDueDigests(server.deps)).toBe(1);
}

/**
 * One row in each purged table but the digests, made over HTTP: a session and a known device,
 * rate-limit counts, a reset token, mail.
 */
async function useEverything(user: SeededUser, browser: HttpClient) {
  expect((await signedInClient(server.url, practice.code, user)).cookies.has('gh_session')).toBe(true);
  const failed = await new HttpClient(server.url).post('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password: 'not the password',
  });
  expect(failed.status).toBe(401);
  const forgot = await browser.post('/api/auth/forgot-password', {
    practiceCode: practice.code,
    username: user.username,
  });
  expect(forgot.status).toBe(202);
  await server.deliverMail();
  // An hour-long provider interaction, written as the OpenID Connect provider writes it.
  await oidcAdapterFactory(
    server.deps.store,
    server.clock,
  )('Interaction').upsert(
    `interaction-${userCount}-${server.clock.now()}`,
    { returnTo: 'https://gatehouse.test/oidc/auth/x' },
    3600,
  );
}

/** How long each table's rows made by this file's requests last before the purge takes them. */
const LIFETIME: Readonly<Record<PurgedTable, 'hours' | 'a month' | 'half a year'>> = {
  rate_limits: 'hours',
  password_reset_tokens: 'hours',
  webauthn_challenges: 'hours',
  oidc_payloads: 'hours',
  sessions: 'a month',
  remembered_browsers: 'a month',
  mail_outbox: 'a month',
  admin_alert_digests: 'a month',
  // The last test below: KNOWN_DEVICE_RETENTION_DAYS, and never a user's newest device.
  known_devices: 'half a year',
};

describe('the scheduled purge', () => {
  it('deletes expired sessions, rate-limit rows, reset tokens, remembered browsers, challenges, old delivered mail and old digest claims, and nothing else', async () => {
    // Long ago: a digest's claim, a user with a remembered browser and a passkey challenge, plus everything else.
    await sendADigest();
    const early = await newUser();
    const earlyClient = await signedInClient(server.url, practice.code, early);
    const { secret } = await enrolTotp(earlyClient, early.password, server.clock);
    const browser = new HttpClient(server.url);
    await browser.post('/api/auth/login', {
      practiceCode: practice.code,
      username: early.username,
      password: early.password,
    });
    const remembered = await browser.post('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, secret),
      rememberBrowser: true,
    });
    expect(remembered.status).toBe(200);
    const challenge = await earlyClient.post('/api/me/passkeys/registration-options', {
      currentPassword: early.password,
    });
    expect(challenge.status).toBe(200);
    await useEverything(await newUser(), new HttpClient(server.url));
    const old = await rowsByTable();
    for (const table of PURGED_TABLES) expect(old[table].length, table).toBeGreaterThan(0);

    // Two hours on, before any request could prune on its own (rate-limiter.ts does at its
    // next count): rate-limit windows, reset tokens and challenges are over, the rest is not.
    server.clock.advance(2 * HOUR);
    const first = await purgeExpiredRows(server.deps);
    const afterFirst = await rowsByTable();
    for (const table of PURGED_TABLES) {
      const expected = LIFETIME[table] === 'hours' ? [] : old[table];
      expect(afterFirst[table], table).toEqual(expected);
      expect(first[table], table).toBe(old[table].length - expected.length);
    }

    // Past every limit but the devices' (remembered browsers last 30 days, delivered mail and
    // digest claims are kept 30 and 31): fresh rows.
    server.clock.advance(31 * DAY);
    await sendADigest();
    await useEverything(await newUser(), new HttpClient(server.url));
    await new HttpClient(server.url).post('/api/auth/forgot-password', {
      practiceCode: practice.code,
      username: early.username,
    });
    await server.app.backgroundWork.drain();
    const all = await rowsByTable();
    const kept = Object.fromEntries(
      PURGED_TABLES.map((table) => [
        table,
        LIFETIME[table] === 'half a year'
          ? all[table]
          : all[table].filter((row) => !old[table].includes(row)),
      ]),
    );
    expect(kept.mail_outbox?.some((row) => row.includes('"sent_at":null'))).toBe(true);

    // Two instances purge the one database at the same moment. (SQLite serves one instance: two
    // handles in one process would wait on each other's write lock, so there they take turns.)
    const [one, other] = [server.deps.store, second].map(
      (store) => () => purgeExpiredRows({ store, clock: server.clock }),
    ) as [() => Promise<PurgeReport>, () => Promise<PurgeReport>];
    const reports =
      testDatabase() === 'postgres' ? await Promise.all([one(), other()]) : [await one(), await other()];
    expect(await rowsByTable()).toEqual(kept);
    for (const table of PURGED_TABLES) {
      const purged = reports.reduce((sum, report) => sum + report[table], 0);
      expect(purged, table).toBe(all[table].length - (kept[table]?.length ?? 0));
    }
  });

  it('purges once as it starts, and stop() returns after that pass', async () => {
    await useEverything(await newUser(), new HttpClient(server.url));
    server.clock.advance(31 * DAY);
    const lines: string[] = [];
    const logger = { info: (_: object, message: string) => void lines.push(message), warn: () => undefined };
    const purge = startExpiredRowsPurge(server.deps, { logger });
    await purge.stop();
    expect(lines).toEqual(['expired rows purged']);
    const left = await server.deps.store.db.selectFrom('sessions').select('id').execute();
    expect(left).toEqual([]);
  });

  it(`forgets a device not signed in from for ${KNOWN_DEVICE_RETENTION_DAYS} days, so its next sign-in is told as new, but never a user's newest device`, async () => {
    const [moved, dormant] = [await newUser(), await newUser()];
    const office = {
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    };
    const laptop = {
      'user-agent':
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    };
    const signIn = (user: SeededUser, device: Record<string, string>) =>
      signedInClient(server.url, practice.code, user, device);
    await signIn(moved, office);
    await signIn(dormant, office);
    server.clock.advance(100 * DAY);
    await signIn(moved, laptop);
    const devicesOf = async (user: SeededUser) =>
      (
        await server.deps.store.db
          .selectFrom('known_devices')
          .select(['device_hash', 'last_seen_at'])
          .where('user_id', '=', user.id)
          .orderBy('last_seen_at')
          .execute()
      ).map((row) => row.device_hash);
    const [officeOfMoved, laptopOfMoved] = await devicesOf(moved);
    const [officeOfDormant] = await devicesOf(dormant);

    // A day short of the limit for the office: nothing is forgotten.
    server.clock.advance((KNOWN_DEVICE_RETENTION_DAYS - 101) * DAY);
    expect((await purgeExpiredRows(server.deps)).known_devices).toBe(0);
    server.clock.advance(2 * DAY);
    expect((await purgeExpiredRows(server.deps)).known_devices).toBe(1);
    expect(await devicesOf(moved)).toEqual([laptopOfMoved]);
    // The dormant user's only device stays: without it, the next sign-in from anywhere would
    // count as the account's first and pass without an email.
    expect(await devicesOf(dormant)).toEqual([officeOfDormant]);

    const newDeviceNotices = async (user: SeededUser) =>
      (
        await server.deps.store.db
          .selectFrom('audit_events')
          .select('id')
          .where('type', '=', 'notice.new_device')
          .where('target_id', '=', user.id)
          .execute()
      ).length;
    const before = await newDeviceNotices(moved);
    await signIn(moved, office);
    expect(await newDeviceNotices(moved)).toBe(before + 1);
    expect(await devicesOf(moved)).toEqual([laptopOfMoved, officeOfMoved]);
  });
});
