import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById } from '../../src/store/user-store.js';
import { tableCounts } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  TEST_SECRET_KEY,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** C1–C4 checked from outside: CSRF and Origin, cookie flags, headers, no caching. */
let server: TestServer;
let secure: TestServer;
let practice: TestPractice;
let admin: SeededUser;
let user: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  secure = await startTestServer({
    store: server.deps.store,
    clock: server.clock,
    publicUrl: 'https://gatehouse.example',
  });
  practice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  user = await seedUser(server.deps, practice, { username: 'plain' });
});
afterAll(async () => {
  await secure.close();
  await server.close();
});

async function lock(target: SeededUser) {
  await server.deps.store.db
    .updateTable('users')
    .set({ locked_until: server.clock.now() + 3_600_000 })
    .where('id', '=', target.id)
    .execute();
}

describe('CSRF', () => {
  it('refuses a POST without the x-csrf-token header with 403 and changes nothing', async () => {
    const boss = await signedInClient(server.url, practice.code, admin);
    await lock(user);
    const before = await tableCounts(server.deps.store);
    const refused = await boss.post(`/api/staff/${user.id}/unlock`, undefined, { 'x-csrf-token': '' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'csrf_failed' } });
    expect(await tableCounts(server.deps.store)).toEqual(before);
    expect(
      (await findUserById(server.deps.store.db, practice.practiceId, user.id))?.lockedUntil,
    ).not.toBeNull();
  });

  it('refuses a POST with a wrong token, and a sign-in without one', async () => {
    const boss = await signedInClient(server.url, practice.code, admin);
    expect((await boss.post('/api/auth/logout', undefined, { 'x-csrf-token': 'x'.repeat(43) })).status).toBe(
      403,
    );
    expect((await boss.get('/api/me')).status).toBe(200);
    const anonymous = new HttpClient(server.url);
    const login = await anonymous.post(
      '/api/auth/login',
      { practiceCode: practice.code, username: user.username, password: user.password },
      { 'x-csrf-token': '' },
    );
    expect(login.status).toBe(403);
    expect(login.headers.getSetCookie().join()).not.toMatch(/gh_session=/);
  });

  it('refuses a foreign Origin even with a valid token, and changes nothing', async () => {
    const boss = await signedInClient(server.url, practice.code, admin);
    await lock(user);
    const refused = await boss.post(`/api/staff/${user.id}/unlock`, undefined, {
      origin: 'https://evil.example',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'csrf_failed' } });
    expect(
      (await findUserById(server.deps.store.db, practice.practiceId, user.id))?.lockedUntil,
    ).not.toBeNull();
    const ownOrigin = await boss.post(`/api/staff/${user.id}/unlock`, undefined, { origin: server.url });
    expect(ownOrigin.status).toBe(200);
  });

  it('refuses the token of another session, even planted as the cookie, before and after sign-in', async () => {
    const boss = await signedInClient(server.url, practice.code, admin);
    const other = await signedInClient(server.url, practice.code, user);
    boss.cookies.set('gh_csrf', other.csrfToken() ?? '');
    const refused = await boss.post('/api/auth/logout');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'csrf_failed' } });
    expect((await boss.get('/api/me')).status).toBe(200);

    // Before sign-in a token belongs to the browser's pre-session: no login with another's.
    const attacker = new HttpClient(server.url);
    await attacker.get('/api/auth/session');
    const victim = new HttpClient(server.url);
    await victim.get('/api/auth/session');
    victim.cookies.set('gh_csrf', attacker.csrfToken() ?? '');
    const login = await victim.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({ error: { code: 'csrf_failed' } });
  });

  it('accepts a token made under the previous secret key during a key rotation', async () => {
    const rotated = await startTestServer({
      store: server.deps.store,
      clock: server.clock,
      secretKey: randomBytes(32),
      previousSecretKeys: [TEST_SECRET_KEY],
    });
    try {
      const browser = (await signedInClient(server.url, practice.code, user)).cloneTo(rotated.url);
      expect((await browser.post('/api/auth/keep-alive')).status).toBe(200);
      const renewed = await browser.get('/api/auth/session');
      expect(renewed.headers.getSetCookie().join()).toMatch(/gh_csrf=/);
      expect((await browser.post('/api/auth/keep-alive')).status).toBe(200);
    } finally {
      await rotated.close();
    }
  });

  it('hands out a new token with each new session id, and the old one stops working', async () => {
    const browser = new HttpClient(server.url);
    await browser.get('/api/auth/session');
    const anonymous = browser.csrfToken();
    const login = await browser.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    expect(login.headers.getSetCookie().join('\n')).toMatch(/^gh_csrf=[\w-]{43}; Path=\/; SameSite=Lax$/m);
    const signedIn = browser.csrfToken();
    expect(signedIn).not.toBe(anonymous);
    expect(signedIn).not.toContain(browser.cookies.get('gh_session'));
    const stale = await browser.post('/api/auth/keep-alive', undefined, { 'x-csrf-token': anonymous ?? '' });
    expect(stale.status).toBe(403);
    expect((await browser.post('/api/auth/keep-alive')).status).toBe(200);

    expect((await browser.post('/api/auth/logout')).status).toBe(204);
    const signedOut = browser.csrfToken();
    expect(signedOut).not.toBe(signedIn);
    expect(
      (await browser.post('/api/auth/logout', undefined, { 'x-csrf-token': signedIn ?? '' })).status,
    ).toBe(403);
  });
});

describe('cookies and headers', () => {
  it('under https: __Host-gh_session with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain; HSTS', async () => {
    const browser = new HttpClient(secure.url, { origin: 'https://gatehouse.example' });
    const login = await browser.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((line) => line.startsWith('__Host-gh_session='));
    expect(cookie).toMatch(/^__Host-gh_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Domain/i);
    expect(login.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('under https: the CSRF cookie is __Host-gh_csrf, readable by the page, Secure, SameSite=Lax, Path=/', async () => {
    const response = await new HttpClient(secure.url).get('/api/auth/session');
    const cookies = response.headers.getSetCookie();
    expect(cookies.find((line) => line.startsWith('__Host-gh_csrf='))).toMatch(
      /^__Host-gh_csrf=[\w-]{43}; Path=\/; Secure; SameSite=Lax$/,
    );
    expect(cookies.find((line) => line.startsWith('gh_csrf='))).toBeUndefined();
  });

  it('over plain http: gh_session without Secure and no HSTS', async () => {
    const login = await new HttpClient(server.url).post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    const cookie = login.headers.getSetCookie().find((line) => line.startsWith('gh_session='));
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/Secure/);
    expect(login.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends pages a strict CSP, frame-ancestors none, nosniff and no-referrer', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it("sends API answers OWASP's API set: nothing may load or frame them, nosniff, no-referrer", async () => {
    const anonymous = new HttpClient(server.url);
    for (const response of [await anonymous.get('/api/auth/session'), await anonymous.get('/api/me')]) {
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      // What only a rendered page uses is left out.
      expect(response.headers.get('x-xss-protection')).toBeNull();
      expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    }
  });

  it('marks every /api/auth and /api/me answer, errors included, Cache-Control: no-store', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const anonymous = new HttpClient(server.url);
    const answers = [
      await browser.get('/api/auth/session'),
      await browser.get('/api/me'),
      await browser.post('/api/auth/keep-alive'),
      await anonymous.get('/api/me'),
      await anonymous.post('/api/auth/login', { practiceCode: 'x', username: 'y', password: 'z' }),
      await anonymous.post('/api/auth/login', { bad: true }),
    ];
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});

describe('requests the router cannot take', () => {
  it('answer in the error shape without echoing the URL', async () => {
    const client = new HttpClient(server.url);
    const badEscape = await client.get('/api/staff/%E0%A4%A/unlock');
    expect(badEscape.status).toBe(400);
    expect(badEscape.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
    const longId = await client.post(`/api/staff/${'a'.repeat(500)}/unlock`);
    expect(longId.status).toBe(404);
    expect(longId.body).toMatchObject({ error: { code: 'not_found' } });
    expect(longId.text).not.toContain('aaaa');
    const hugeUrl = await client.get(`/api/auth/session?q=${'x'.repeat(100_000)}`);
    expect(hugeUrl.status).toBe(431);
    expect(hugeUrl.body).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });
});
