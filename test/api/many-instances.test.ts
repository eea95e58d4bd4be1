import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { HttpClient } from '../support/http-client.js';
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

/** Two server instances, each with its own connections, on one database. */
let stores: Store[];
let first: TestServer;
let second: TestServer;
let practice: TestPractice;
let user: SeededUser;

beforeAll(async () => {
  stores = await openTestStores(2);
  const clock = testClock();
  first = await startTestServer({ store: stores[0], clock });
  second = await startTestServer({ store: stores[1], clock });
  practice = await seedPractice(first.deps);
  user = await seedUser(first.deps, practice, { username: 'roaming' });
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await Promise.all(stores.map((store) => store.close()));
});

describe('two instances on one database', () => {
  it('accept each other’s session cookies, and a logout on one is refused on the other at once', async () => {
    const onFirst = new HttpClient(first.url);
    const login = await onFirst.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    expect(login.status).toBe(200);
    const onSecond = onFirst.cloneTo(second.url);
    const me = await onSecond.get<{ username: string }>('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('roaming');

    expect((await onSecond.post('/api/auth/logout')).status).toBe(204);
    const replay = onFirst.cloneTo(first.url);
    replay.cookies.set('gh_session', onFirst.cookies.get('gh_session') ?? '');
    const refused = await replay.get('/api/me');
    expect(refused.status).toBe(401);
  });

  it('keep one gap-free audit chain when both write at once', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) =>
      new HttpClient(i % 2 ? first.url : second.url).post('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: i % 3 ? user.password : 'wrong password',
      }),
    );
    await Promise.all(attempts);
    const rows = await first.deps.store.db
      .selectFrom('audit_events')
      .select(['seq', 'prev_hash', 'hash'])
      .where('chain_id', '=', practice.practiceId)
      .orderBy('seq')
      .execute();
    expect(rows.length).toBeGreaterThan(12);
    rows.forEach((row, i) => {
      expect(Number(row.seq)).toBe(i + 1);
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1]?.hash);
    });
  });
});
