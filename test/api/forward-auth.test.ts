import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * GET /api/authz/forward-auth (docs/architecture.md "Apps signing in"; services/apps/forward-auth.ts): what a
 * reverse proxy asks before each request to an app behind it.
 */
let server: TestServer;
let practice: TestPractice;
let clinician: SeededUser;

const FORWARD_AUTH = '/api/authz/forward-auth';
const MINUTE = 60_000;

beforeAll(async () => {
  server = await startTestServer({
    publicUrl: 'http://127.0.0.1:3000',
    allowedReturnOrigins: ['https://ehr.example.org', 'https://billing.example.org'],
  });
  practice = await seedPractice(server.deps);
  clinician = await seedUser(server.deps, practice, {
    username: 'zoe',
    firstName: 'Zoë',
    lastName: 'Ólafsdóttir',
    email: 'zoe@clinic.example',
    roles: ['clinician', 'biller'],
  });
});
afterAll(() => server.close());

describe('forward-auth', () => {
  it('answers 401 to a browser without a session cookie, with the sign-in page in Location', async () => {
    const response = await new HttpClient(server.url).get(FORWARD_AUTH);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'not_authenticated' } });
    expect(response.headers.get('remote-user')).toBeNull();
    expect(response.headers.get('location')).toBe('http://127.0.0.1:3000/login');
  });

  it('puts the address the proxy reports (X-Original-URL) in returnTo only for an allowed origin', async () => {
    const anonymous = new HttpClient(server.url);
    const chart = 'https://ehr.example.org/chart/12?tab=notes&view=a+b%20c';
    const allowed = await anonymous.get(FORWARD_AUTH, { 'x-original-url': chart });
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('location')).toBe(
      `http://127.0.0.1:3000/login?returnTo=${encodeURIComponent(chart)}`,
    );
    const own = await anonymous.get(FORWARD_AUTH, { 'x-original-url': '/staff' });
    expect(own.headers.get('location')).toBe(
      `http://127.0.0.1:3000/login?returnTo=${encodeURIComponent('http://127.0.0.1:3000/staff')}`,
    );
    for (const foreign of [
      'https://evil.example/',
      '//evil.example/',
      'javascript:alert(1)',
      '/\\evil.example',
    ]) {
      const refused = await anonymous.get(FORWARD_AUTH, { 'x-original-url': foreign });
      expect(refused.status, foreign).toBe(401);
      expect(refused.headers.get('location'), foreign).toBe('http://127.0.0.1:3000/login');
    }
  });

  it('answers 200 with the signed-in user in Remote-* headers, non-ASCII percent-encoded', async () => {
    const browser = await signedInClient(server.url, practice.code, clinician);
    const response = await browser.get(FORWARD_AUTH);
    expect(response.status).toBe(200);
    // The answer is in the headers; the body is JSON null.
    expect(response.body).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('remote-')))).toEqual({
      'remote-user': 'zoe',
      'remote-user-id': clinician.id,
      'remote-practice': practice.code,
      'remote-roles': 'clinician,biller',
      'remote-email': 'zoe@clinic.example',
      'remote-name': 'Zo%C3%AB %C3%93lafsd%C3%B3ttir',
    });
    expect(decodeURIComponent(response.headers.get('remote-name') ?? '')).toBe('Zoë Ólafsdóttir');
  });

  it('checks the role asked for: held 200, missing 403, unknown 400', async () => {
    const browser = await signedInClient(server.url, practice.code, clinician);
    expect((await browser.get(`${FORWARD_AUTH}?role=biller`)).status).toBe(200);
    const missing = await browser.get(`${FORWARD_AUTH}?role=practice_admin`);
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ error: { code: 'forbidden' } });
    expect(missing.headers.get('remote-user')).toBeNull();
    for (const query of ['role=wizard', 'role=', 'role=clinician&role=biller', 'group=clinician']) {
      const bad = await browser.get(`${FORWARD_AUTH}?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body, query).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });

  it('answers 401 to a half-signed-in session (password still to change), 200 once signed in', async () => {
    const browser = new HttpClient(server.url);
    const login = await browser.post<{ next: string }>('/api/auth/login', {
      practiceCode: practice.code,
      username: practice.adminUsername,
      password: practice.temporaryPassword,
    });
    expect(login.body.next).toBe('password_change');
    const halfway = await browser.get(FORWARD_AUTH, { 'x-original-url': 'https://ehr.example.org/' });
    expect(halfway.status).toBe(401);
    expect(halfway.headers.get('location')).toBe(
      `http://127.0.0.1:3000/login?returnTo=${encodeURIComponent('https://ehr.example.org/')}`,
    );
    expect(halfway.body).toMatchObject({ error: { code: 'not_authenticated' } });
    expect(halfway.headers.get('remote-user')).toBeNull();

    const newPassword = 'quiet harbour lanterns drift at dawn';
    const changed = await browser.post<{ next: string }>('/api/auth/password-change', {
      newPassword,
      confirmPassword: newPassword,
    });
    expect(changed.body, changed.text).toMatchObject({ next: 'signed_in' });
    const signedIn = await browser.get(FORWARD_AUTH);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('remote-user')).toBe(practice.adminUsername);
  });

  it('applies the idle timeout as GET /api/me does, and counts as use of the session', async () => {
    const user = await seedUser(server.deps, practice, { username: 'idle' });
    const browser = await signedInClient(server.url, practice.code, user);
    // Used through an app every 29 minutes: the session lives on past the 30-minute idle timeout.
    for (let round = 0; round < 3; round++) {
      server.clock.advance(29 * MINUTE);
      expect((await browser.get(FORWARD_AUTH)).status).toBe(200);
    }
    server.clock.advance(30 * MINUTE + 1);
    const expired = await browser.get(FORWARD_AUTH);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'not_authenticated' } });
    const [latest] = await eventsOf(server.deps.store, user.id);
    expect(latest).toMatchObject({ type: 'session.expired', details: { reason: 'idle_timeout' } });
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  it('applies the absolute timeout however busy the session', async () => {
    const user = await seedUser(server.deps, practice, { username: 'busy' });
    const browser = await signedInClient(server.url, practice.code, user);
    for (let step = 0; step < 12 * 3; step++) {
      server.clock.advance(20 * MINUTE);
      expect((await browser.get(FORWARD_AUTH)).status).toBe(200);
    }
    server.clock.advance(1);
    const expired = await browser.get(FORWARD_AUTH);
    expect(expired.status).toBe(401);
    const [latest] = await eventsOf(server.deps.store, user.id);
    expect(latest).toMatchObject({ type: 'session.expired', details: { reason: 'absolute_timeout' } });
  });

  it('answers 401 once the user is deactivated', async () => {
    const adminUser = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
    const admin = await signedInClient(server.url, practice.code, adminUser);
    const user = await seedUser(server.deps, practice, { username: 'leaver' });
    const browser = await signedInClient(server.url, practice.code, user);
    expect((await browser.get(FORWARD_AUTH)).status).toBe(200);
    const deactivated = await admin.request('PATCH', `/api/staff/${user.id}`, { status: 'deactivated' });
    expect(deactivated.status).toBe(200);
    const refused = await browser.get(FORWARD_AUTH);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('remote-user')).toBeNull();
  });

  it('answers 401 for a deactivated user whose session row survived (the store guards the gap)', async () => {
    const user = await seedUser(server.deps, practice, { username: 'gap' });
    const browser = await signedInClient(server.url, practice.code, user);
    await server.deps.store.db
      .updateTable('users')
      .set({ status: 'deactivated' })
      .where('id', '=', user.id)
      .execute();
    expect((await browser.get(FORWARD_AUTH)).status).toBe(401);
  });

  it('cannot be made to send a header of the user’s choosing', async () => {
    // Written straight into the store, past the API's own refusal of control characters.
    const user = await seedUser(server.deps, practice, {
      username: 'mallory',
      firstName: 'Mal',
      lastName: 'Lory\r\nRemote-User: admin\r\nX-Injected: 1',
      email: 'mal%0d%0aX-Injected:%201@clinic.example',
    });
    const browser = await signedInClient(server.url, practice.code, user);
    const response = await browser.get(FORWARD_AUTH, {
      'remote-user': 'admin',
      'remote-roles': 'practice_admin',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-injected')).toBeNull();
    expect(response.headers.get('remote-user')).toBe('mallory');
    expect(response.headers.get('remote-roles')).toBe('clinician');
    expect(response.headers.get('remote-name')).toBe('Mal Lory%0D%0ARemote-User: admin%0D%0AX-Injected: 1');
    // A literal "%0d" is sent as %250d, so decoding gives back the text, never a line break.
    expect(response.headers.get('remote-email')).toBe('mal%250d%250aX-Injected:%25201@clinic.example');
    expect(decodeURIComponent(response.headers.get('remote-email') ?? '')).toBe(
      'mal%0d%0aX-Injected:%201@clinic.example',
    );
  });
});

describe('return origins', () => {
  it('lists PUBLIC_URL’s origin and ALLOWED_RETURN_ORIGINS to anyone, for the sign-in page', async () => {
    const response = await new HttpClient(server.url).get('/api/authz/return-origins');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      origins: ['http://127.0.0.1:3000', 'https://ehr.example.org', 'https://billing.example.org'],
    });
  });
});

describe('SESSION_COOKIE_DOMAIN', () => {
  it('gives only the session cookie that Domain, as __Secure- under https; the others stay __Host-', async () => {
    const shared = await startTestServer({
      publicUrl: 'https://gatehouse.example.org',
      sessionCookieDomain: 'example.org',
      store: server.deps.store,
      clock: server.clock,
    });
    try {
      const user = await seedUser(shared.deps, practice, { username: 'subdomains' });
      const browser = new HttpClient(shared.url);
      await browser.get('/api/auth/session');
      const login = await browser.post('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: user.password,
      });
      expect(login.status).toBe(200);
      const setCookies = login.headers.getSetCookie();
      const session = setCookies.find((line) => line.startsWith('__Secure-gh_session='));
      expect(session).toMatch(/; Domain=example\.org/);
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/; HttpOnly/);
      expect(setCookies.find((line) => line.startsWith('__Host-gh_csrf='))).not.toMatch(/Domain=/);
      expect((await browser.get(FORWARD_AUTH)).headers.get('remote-user')).toBe('subdomains');

      const logout = await browser.post('/api/auth/logout');
      const cleared = logout.headers.getSetCookie().find((line) => line.startsWith('__Secure-gh_session='));
      expect(cleared).toMatch(/; Domain=example\.org/);
      expect(
        logout.headers.getSetCookie().find((line) => line.startsWith('__Host-gh_presession=')),
      ).not.toMatch(/Domain=/);
    } finally {
      await shared.close();
    }
  });
});
