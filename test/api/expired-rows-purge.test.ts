import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
let userCount = 0;

beforeAll(async () => {
  const [first, other] = (await openTestStores(2)) as [Store, Store];
  second = other;
  server = await startTestServer({ store: first });
  practice = await seedPractice(server.deps);
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

/** One row in each purged table, made over HTTP: a session, rate-limit counts, a reset token, mail. */
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

describe('the scheduled purge', () => {
  it('deletes expired sessions, rate-limit rows, reset tokens, remembered browsers, challenges and old delivered mail, and nothing else', async () => {
    // Long ago: a user with a remembered browser and a passkey challenge, plus everything else.
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
    const shortLived: readonly PurgedTable[] = [
      'rate_limits',
      'password_reset_tokens',
      'webauthn_challenges',
      'oidc_payloads',
    ];
    const afterFirst = await rowsByTable();
    for (const table of PURGED_TABLES) {
      const expected = shortLived.includes(table) ? [] : old[table];
      expect(afterFirst[table], table).toEqual(expected);
      expect(first[table], table).toBe(old[table].length - expected.length);
    }

    // Past every limit (remembered browsers last 30 days, delivered mail is kept 30): fresh rows.
    server.clock.advance(31 * DAY);
    await useEverything(await newUser(), new HttpClient(server.url));
    await new HttpClient(server.url).post('/api/auth/forgot-password', {
      practiceCode: practice.code,
      username: early.username,
    });
    await server.app.backgroundWork.drain();
    const all = await rowsByTable();
    const fresh = Object.fromEntries(
      PURGED_TABLES.map((table) => [table, all[table].filter((row) => !old[table].includes(row))]),
    );
    expect(fresh.mail_outbox?.some((row) => row.includes('"sent_at":null'))).toBe(true);

    // Two instances purge the one database at the same moment. (SQLite serves one instance: two
    // handles in one process would wait on each other's write lock, so there they take turns.)
    const [one, other] = [server.deps.store, second].map(
      (store) => () => purgeExpiredRows({ store, clock: server.clock }),
    ) as [() => Promise<PurgeReport>, () => Promise<PurgeReport>];
    const reports =
      testDatabase() === 'postgres' ? await Promise.all([one(), other()]) : [await one(), await other()];
    expect(await rowsByTable()).toEqual(fresh);
    for (const table of PURGED_TABLES) {
      const purged = reports.reduce((sum, report) => sum + report[table], 0);
      expect(purged, table).toBe(afterFirst[table].length);
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
});
