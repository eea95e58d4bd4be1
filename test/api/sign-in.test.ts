import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/services/passwords/password-hasher.js';
import { setUserStatus } from '../../src/store/user-store.js';
import { eventsOf } from '../support/events.js';
import { HttpClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

let server: TestServer;
let practice: TestPractice;
let clinician: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  clinician = await seedUser(server.deps, practice, { username: 'Jane.Doe' });
});
afterAll(() => server.close());

const client = () => new HttpClient(server.url);
const credentials = (user: SeededUser, overrides: Record<string, string> = {}) => ({
  practiceCode: practice.code,
  username: user.username,
  password: user.password,
  ...overrides,
});

describe('GET /api/auth/session', () => {
  it('answers anonymous and hands out the readable CSRF cookie', async () => {
    const response = await client().get('/api/auth/session');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ stage: 'anonymous', user: null });
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('gh_csrf='));
    expect(setCookie).toMatch(/^gh_csrf=[\w-]{43}; Path=\/; SameSite=Lax$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with case-insensitive practice code and user name, and sets the session cookie', async () => {
    const browser = client();
    const response = await browser.post('/api/auth/login', {
      practiceCode: practice.code.toLowerCase(),
      username: 'JANE.DOE',
      password: clinician.password,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ next: 'signed_in' });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('gh_session='));
    expect(cookie).toMatch(/^gh_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const me = await browser.get<{ username: string; roles: string[] }>('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      username: 'Jane.Doe',
      roles: ['clinician'],
      practice: { code: practice.code },
    });
    expect(JSON.stringify(me.body)).not.toMatch(/hash|\$argon2/);
    const session = await browser.get<{ stage: string }>('/api/auth/session');
    expect(session.body.stage).toBe('signed_in');
  });

  it('records login.succeeded with IP and user agent, and the last login on the user', async () => {
    const browser = new HttpClient(server.url, {
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/142.0.0.0',
    });
    await browser.post('/api/auth/login', credentials(clinician));
    // A browser new to this user: the sign-in is followed by its new-device email's event.
    const latest = (await eventsOf(server.deps.store, clinician.id)).find(
      (e) => e.type !== 'notice.new_device',
    );
    expect(latest).toMatchObject({
      type: 'login.succeeded',
      outcome: 'success',
      actor: { id: clinician.id, username: 'Jane.Doe' },
      ip: '127.0.0.1',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/142.0.0.0',
    });
  });

  it('gives one identical answer for unknown practice, unknown user, wrong password and deactivated user', async () => {
    const deactivated = await seedUser(server.deps, practice, { username: 'gone' });
    await setUserStatus(server.deps.store.db, practice.practiceId, deactivated.id, 'deactivated', Date.now());
    const attempts = [
      credentials(clinician, { practiceCode: 'NO-SUCH-PRACTICE' }),
      credentials(clinician, { username: 'nobody' }),
      credentials(clinician, { password: `${clinician.password}!` }),
      credentials(deactivated),
    ];
    const answers = [];
    for (const attempt of attempts) {
      const response = await client().post('/api/auth/login', attempt);
      answers.push({
        status: response.status,
        body: response.text,
        cookies: response.headers.getSetCookie().length,
      });
    }
    expect(answers[0]).toEqual({
      status: 401,
      body: JSON.stringify({
        error: {
          code: 'invalid_credentials',
          message: 'The practice code, user name or password is incorrect.',
        },
      }),
      cookies: 0,
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);

    const [wrongPassword] = (await eventsOf(server.deps.store, clinician.id)).filter(
      (e) => e.type === 'login.failed',
    );
    expect(wrongPassword).toMatchObject({ outcome: 'failure', details: { reason: 'wrong_password' } });
    expect(JSON.stringify(wrongPassword)).not.toContain(clinician.password);
    const [deactivatedEvent] = await eventsOf(server.deps.store, deactivated.id);
    expect(deactivatedEvent).toMatchObject({ type: 'login.failed', details: { reason: 'deactivated' } });
  });

  it('is case sensitive about the password and never truncates it', async () => {
    const long = 'Ünïcødé 🙂 passphrase with spaces '.repeat(3).slice(0, 64);
    const user = await seedUser(server.deps, practice, { username: 'longpass', password: long });
    expect((await client().post('/api/auth/login', credentials(user))).status).toBe(200);
    const lastChanged = long.slice(0, -1) + (long.endsWith('x') ? 'y' : 'x');
    expect(
      (await client().post('/api/auth/login', credentials(user, { password: lastChanged }))).status,
    ).toBe(401);
    expect(
      (await client().post('/api/auth/login', credentials(user, { password: long.toUpperCase() }))).status,
    ).toBe(401);
  });

  it('reports stage password_change for a temporary password and reaches nothing else', async () => {
    const browser = client();
    const response = await browser.post('/api/auth/login', {
      practiceCode: practice.code,
      username: practice.adminUsername,
      password: practice.temporaryPassword,
    });
    expect(response.body).toEqual({ next: 'password_change' });
    const session = await browser.get('/api/auth/session');
    expect(session.body).toEqual({ stage: 'password_change', user: null });
    const me = await browser.get('/api/me');
    expect(me.status).toBe(403);
    expect(me.body).toMatchObject({ error: { code: 'stage_required' } });
    const [used] = await eventsOf(server.deps.store, practice.adminId);
    expect(used?.type).toBe('password.temporary_used');
  });

  it('refuses an expired temporary password like a wrong one', async () => {
    const other = await seedPractice(server.deps);
    server.clock.advance(72 * 3_600_000 + 1);
    const response = await client().post('/api/auth/login', {
      practiceCode: other.code,
      username: other.adminUsername,
      password: other.temporaryPassword,
    });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    const [event] = await eventsOf(server.deps.store, other.adminId);
    expect(event).toMatchObject({ type: 'login.failed', details: { reason: 'temporary_password_expired' } });
  });

  it('upgrades a hash made with older argon2 parameters at the next sign-in', async () => {
    const weak = createPasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const password = 'an older hash upgraded on login';
    const user = await seedUser(server.deps, practice, {
      username: 'olduser',
      password,
      passwordHash: await weak.hash(password),
    });
    const readHash = async () =>
      (
        await server.deps.store.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).password_hash;
    expect(await readHash()).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    expect((await client().post('/api/auth/login', credentials(user))).status).toBe(200);
    expect(await readHash()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await client().post('/api/auth/login', credentials(user))).status).toBe(200);
  });
});

describe('sessions', () => {
  it('issues a new session id at every sign-in and ends the old one', async () => {
    const browser = client();
    await browser.post('/api/auth/login', credentials(clinician));
    const first = browser.cookies.get('gh_session');
    await browser.post('/api/auth/login', credentials(clinician));
    const second = browser.cookies.get('gh_session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const replay = new HttpClient(server.url);
    replay.cookies.set('gh_session', first ?? '');
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('stores only a hash of the session id', async () => {
    const browser = client();
    await browser.post('/api/auth/login', credentials(clinician));
    const token = browser.cookies.get('gh_session') ?? '';
    const rows = await server.deps.store.db.selectFrom('sessions').select('id').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.id.includes(token))).toBe(false);
  });

  it('logs out with 204, records the event, and refuses the replayed cookie', async () => {
    const browser = client();
    await browser.post('/api/auth/login', credentials(clinician));
    const token = browser.cookies.get('gh_session') ?? '';
    const response = await browser.post('/api/auth/logout');
    expect(response.status).toBe(204);
    expect(browser.cookies.has('gh_session')).toBe(false);
    const replay = new HttpClient(server.url);
    replay.cookies.set('gh_session', token);
    const me = await replay.get('/api/me');
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ error: { code: 'not_authenticated' } });
    const logoutEvents = (await eventsOf(server.deps.store, clinician.id)).filter((e) => e.type === 'logout');
    expect(logoutEvents.length).toBeGreaterThan(0);
  });

  it('expires a session after the idle timeout, on the server, and records session.expired', async () => {
    const browser = client();
    await browser.post('/api/auth/login', credentials(clinician));
    server.clock.advance(29 * 60_000);
    expect((await browser.get('/api/me')).status).toBe(200);
    server.clock.advance(29 * 60_000);
    expect((await browser.get('/api/me')).status).toBe(200);
    server.clock.advance(31 * 60_000);
    const expired = await browser.get('/api/me');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'session_expired' } });
    const [event] = await eventsOf(server.deps.store, clinician.id);
    expect(event).toMatchObject({ type: 'session.expired', details: { reason: 'idle_timeout' } });
  });
});

describe('CSRF and origin', () => {
  it('refuses an unsafe request without the token, with a wrong token, or from a foreign origin', async () => {
    const browser = client();
    await browser.get('/api/auth/session');
    const body = credentials(clinician);
    const missing = await browser.post('/api/auth/login', body, { 'x-csrf-token': '' });
    const wrong = await browser.post('/api/auth/login', body, { 'x-csrf-token': 'not-the-cookie' });
    const foreign = await browser.post('/api/auth/login', body, { origin: 'https://evil.example' });
    for (const response of [missing, wrong, foreign]) {
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: { code: 'csrf_failed' } });
    }
    expect(browser.cookies.has('gh_session')).toBe(false);
    const ownOrigin = await browser.post('/api/auth/login', body, { origin: server.url });
    expect(ownOrigin.status).toBe(200);
  });
});
