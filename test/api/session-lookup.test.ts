import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secret-token.js';
import { findSessionWithAccount } from '../../src/store/session-store.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

// Session lookups asked at the same moment share one query (src/store/lookup-batch.ts): these
// check that each request still gets its own session, and that nothing of a batch is cached.
let server: TestServer;
let practice: TestPractice;
let users: SeededUser[];
let clients: HttpClient[];

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  users = [];
  clients = [];
  for (let i = 0; i < 12; i++) {
    const user = await seedUser(server.deps, practice, { username: `burst${i}` });
    users.push(user);
    clients.push(await signedInClient(server.url, practice.code, user));
  }
});
afterAll(() => server.close());

const sessionIdOf = (client: HttpClient) => hashToken(client.cookies.get('gh_session') ?? '');

describe('session lookups asked at the same moment', () => {
  it('find each session with its own user and practice, and nothing for an unknown id', async () => {
    const ids = [...clients.map(sessionIdOf), hashToken('no such session')];
    const found = await Promise.all(ids.map((id) => findSessionWithAccount(server.deps.store, id)));
    expect(found.at(-1)).toBeUndefined();
    users.forEach((user, i) => {
      expect(found[i]?.session.id).toBe(ids[i]);
      expect(found[i]?.user).toMatchObject({ id: user.id, username: user.username });
      expect(found[i]?.practice.code).toBe(practice.code);
    });
  });

  it('answer a burst of requests from many users, each with their own account', async () => {
    const answers = await Promise.all(
      clients.flatMap((client) => [client.get<{ username: string }>('/api/me'), client.get('/api/me')]),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect((answer.body as { username: string }).username).toBe(users[Math.floor(i / 2)]?.username);
    });
  });

  it('refuse a signed-out session at once, in the same burst as live ones', async () => {
    const [leaving, ...staying] = clients as [HttpClient, ...HttpClient[]];
    const cookie = leaving.cookies.get('gh_session');
    expect((await leaving.post('/api/auth/logout')).status).toBe(204);
    if (cookie) leaving.cookies.set('gh_session', cookie);
    const [gone, ...live] = await Promise.all([leaving, ...staying].map((client) => client.get('/api/me')));
    expect(gone?.status).toBe(401);
    expect(gone?.body).toMatchObject({ error: { code: 'not_authenticated' } });
    expect(live.map((answer) => answer.status)).toEqual(staying.map(() => 200));
  });

  it("find no session whose row names another practice than its user's", async () => {
    // Only a damaged or tampered database holds such a row; the lookup must not trust it.
    const other = await seedPractice(server.deps, 'O');
    const moved = clients.at(-1) as HttpClient;
    await server.deps.store.db
      .updateTable('sessions')
      .set({ practice_id: other.practiceId })
      .where('id', '=', sessionIdOf(moved))
      .execute();
    expect(await findSessionWithAccount(server.deps.store, sessionIdOf(moved))).toBeUndefined();
    expect((await moved.get('/api/me')).status).toBe(401);
    expect((await (clients.at(-2) as HttpClient).get('/api/me')).status).toBe(200);
  });
});
