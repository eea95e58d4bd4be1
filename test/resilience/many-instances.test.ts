import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { totpCodeAt } from '../../src/domain/totp.js';
import { expectWholeChain } from '../support/chain.js';
import { HttpClient } from '../support/http-client.js';
import { seedPracticeAccounts } from '../support/seed-accounts.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../support/server-process.js';

/**
 * Three server processes on one PostgreSQL behind a round-robin proxy: a sign-in lands on one
 * instance, the next request on another, the sign-out on the third — under concurrent load.
 */
const INSTANCES = 3;
const USERS = 24;
const PASSWORD = 'many instances share one database';

let store: Store;
let servers: ServerProcess[] = [];
let proxy: RoundRobinProxy;
let practice: { code: string; id: string };
const users: Array<{ id: string; username: string }> = [];

beforeAll(async () => {
  const databaseUrl = inject('databaseUrl');
  store = openStore({ databaseUrl, dataDir: tempDataDir() });
  const seeded = await seedPracticeAccounts(store, {
    codePrefix: 'MANY',
    password: PASSWORD,
    accounts: Array.from({ length: USERS }, (_, i) => ({
      username: `many${i}`,
      roles: ['clinician'] as const,
    })),
  });
  practice = { code: seeded.code, id: seeded.practiceId };
  users.push(...seeded.accounts);
  // Two trusted hops: the proxy, and the clients' own x-forwarded-for, standing for an office's proxy.
  for (let i = 0; i < INSTANCES; i++) {
    servers.push(
      await startServerProcess({ DATABASE_URL: databaseUrl, DATA_DIR: tempDataDir(), TRUST_PROXY: '2' }),
    );
  }
  proxy = await startRoundRobinProxy(servers.map((server) => server.url));
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(servers.map((server) => server.kill('SIGKILL')));
  servers = [];
  await store?.close();
});

describe('three instances behind a round-robin proxy', () => {
  it('honour sessions made on another instance and revocations made on a third, under concurrent load', async () => {
    const journeys = users.map(async (user, i) => {
      const client = new HttpClient(proxy.url, { 'x-forwarded-for': `198.51.100.${i + 1}` });
      const login = await client.post<{ next: string }>('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: PASSWORD,
      });
      const me = await client.get<{ username: string }>('/api/me');
      const logout = await client.post('/api/auth/logout');
      const replay = new HttpClient(proxy.url);
      replay.cookies.set('gh_session', login.headers.getSetCookie()[0]?.split(';')[0]?.split('=')[1] ?? '');
      const afterLogout = await Promise.all([
        replay.get('/api/me'),
        replay.get('/api/me'),
        replay.get('/api/me'),
      ]);
      return {
        login: login.body.next,
        me: me.body.username,
        logout: logout.status,
        after: afterLogout.map((r) => r.status),
      };
    });
    const results = await Promise.all(journeys);
    results.forEach((result, i) => {
      expect(result).toEqual({ login: 'signed_in', me: `many${i}`, logout: 204, after: [401, 401, 401] });
    });
    for (const hits of proxy.hits) expect(hits).toBeGreaterThan(USERS);
  });

  it('count failed passwords per account across instances: concurrent failures lock the account once', async () => {
    const [user] = users.slice(-1);
    if (!user) throw new Error('no user');
    const attempts = Array.from({ length: 12 }, (_, i) =>
      new HttpClient(proxy.url, { 'x-forwarded-for': `203.0.113.${i + 1}` }).post('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: `wrong password ${i}`,
      }),
    );
    const answers = await Promise.all(attempts);
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(401));
    const right = await new HttpClient(proxy.url).post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: PASSWORD,
    });
    // The right password on a locked account is told so (a wrong one keeps the uniform answer).
    expect(right.status).toBe(403);
    expect(right.text).toContain('"account_locked"');
    const locks = await store.db
      .selectFrom('audit_events')
      .select('id')
      .where('target_id', '=', user.id)
      .where('type', '=', 'account.locked')
      .execute();
    expect(locks).toHaveLength(1);
  });

  it('share rate limits across instances: an address over its limit is refused on every instance', async () => {
    // 100 failed sign-ins per address per 15 minutes; waves of 5 at once, spread over all instances.
    const address = { 'x-forwarded-for': '192.0.2.77' };
    const statuses: number[] = [];
    for (let wave = 0; wave < 24; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          new HttpClient(proxy.url, address).post('/api/auth/login', {
            practiceCode: practice.code,
            username: `nobody-${wave}-${i}`,
            password: 'not a password',
          }),
        ),
      );
      statuses.push(...answers.map((answer) => answer.status));
    }
    const refused = statuses.filter((status) => status === 429).length;
    const counted = statuses.filter((status) => status === 401).length;
    expect(refused + counted).toBe(statuses.length);
    // Each attempt takes its hit before its work (services/operations/rate-limiter.ts): exact, whatever is in flight.
    expect(counted).toBe(100);
    const late = await new HttpClient(proxy.url, address).get('/api/auth/session');
    expect(late.status).toBe(200);
  });

  it('accept a TOTP code once, whichever instance sees it first', async () => {
    const [user] = users.slice(-2);
    if (!user) throw new Error('no user');
    const enrolling = new HttpClient(proxy.url);
    await enrolling.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: PASSWORD,
    });
    const setup = await enrolling.post<{ secret: string }>('/api/me/two-factor/totp/setup', {
      currentPassword: PASSWORD,
    });
    expect(setup.status).toBe(200);
    const confirm = await enrolling.post('/api/me/two-factor/totp/confirm', {
      code: totpCodeAt(setup.body.secret, Date.now()),
    });
    expect(confirm.status).toBe(200);

    const browsers = Array.from({ length: 3 }, () => new HttpClient(proxy.url));
    for (const browser of browsers) {
      const login = await browser.post<{ next: string }>('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: PASSWORD,
      });
      expect(login.body.next).toBe('two_factor');
    }
    // The next step's code: later than the one used to confirm, inside the ±1 step window.
    const code = totpCodeAt(setup.body.secret, Date.now() + 30_000);
    const answers = await Promise.all(
      browsers.map((browser) => browser.post('/api/auth/two-factor', { code, rememberBrowser: false })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401]);
  });

  it('write one gap-free, valid audit chain for the practice from all three instances', async () => {
    expect(await expectWholeChain(store, practice.id)).toBeGreaterThanOrEqual(USERS * 2);
    const rows = await store.db
      .selectFrom('audit_events')
      .select(['type', 'ip'])
      .where('chain_id', '=', practice.id)
      .execute();
    const ips = new Set(rows.filter((row) => row.type === 'login.succeeded').map((row) => row.ip));
    for (let i = 1; i <= USERS; i++) expect(ips).toContain(`198.51.100.${i}`);
  });
});
