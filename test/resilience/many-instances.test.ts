import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPasswordHasher } from '../../src/services/password-hasher.js';
import { createPractice } from '../../src/services/practices.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertUser } from '../../src/store/user-store.js';
import { expectWholeChain } from '../support/chain.js';
import { HttpClient } from '../support/http-client.js';
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
  await migrateToLatest(store);
  const deps = { store, clock: { now: () => Date.now() }, hasher: createPasswordHasher() };
  const created = await createPractice(
    deps,
    {
      code: `MANY${Date.now().toString(36)}`,
      name: 'Many Instances',
      admin: { username: 'admin', email: 'a@many.test', firstName: 'A', lastName: 'B' },
    },
    { ip: '127.0.0.1', userAgent: 'seed' },
  );
  if (!created.ok) throw new Error(created.problem);
  practice = { code: created.practice.code, id: created.practice.id };
  const hash = await deps.hasher.hash(PASSWORD);
  for (let i = 0; i < USERS; i++) {
    const user = { id: randomUUID(), username: `many${i}` };
    await insertUser(store.db, {
      ...user,
      practiceId: practice.id,
      firstName: 'M',
      lastName: `${i}`,
      email: `m${i}@many.test`,
      roles: ['clinician'],
      passwordHash: hash,
      passwordMustChange: false,
      temporaryPasswordExpiresAt: null,
      now: Date.now(),
    });
    users.push(user);
  }
  for (let i = 0; i < INSTANCES; i++) {
    servers.push(
      await startServerProcess({ DATABASE_URL: databaseUrl, DATA_DIR: tempDataDir(), TRUST_PROXY: '1' }),
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

  it('write one gap-free, valid audit chain for the practice from all three instances', async () => {
    expect(await expectWholeChain(store, practice.id)).toBeGreaterThanOrEqual(USERS * 2);
    const rows = await store.db
      .selectFrom('audit_events')
      .select(['type', 'ip'])
      .where('chain_id', '=', practice.id)
      .execute();
    const ips = new Set(rows.filter((row) => row.type === 'login.succeeded').map((row) => row.ip));
    expect(ips.size).toBe(USERS);
  });
});
