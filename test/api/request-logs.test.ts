import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';

/**
 * L3, F7: the server's JSON log, at level trace, after a sign-in, a forced and a voluntary
 * password change, an admin reset and a TOTP enrolment, holds none of the passwords,
 * temporary passwords, codes, session cookie values or CSRF tokens those flows used; and
 * every request line carries a request id, a proxy's only when it is a short safe token.
 */
let server: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ logLines });
});
afterAll(async () => {
  await server.close();
});

interface LogLine {
  readonly msg?: string;
  readonly reqId?: string;
  readonly route?: string;
  readonly status?: number;
}

const parsedLog = (): LogLine[] => logLines.map((line) => JSON.parse(line) as LogLine);

describe('request logs', () => {
  it('hold no password, temporary password, code, session cookie or CSRF token', async () => {
    const practice = await seedPractice(server.deps, 'LOG');
    const secrets = new Set<string>([practice.temporaryPassword]);
    /** Every cookie value a client has held so far is a secret the log must not hold. */
    const keepCookies = (client: HttpClient) => {
      for (const value of client.cookies.values()) secrets.add(value);
    };

    // The administrator's first sign-in with the temporary password, then the forced change.
    const admin = new HttpClient(server.url);
    const adminPassword = 'quartz lantern meadow fiddle';
    secrets.add(adminPassword);
    await admin.post('/api/auth/login', {
      practiceCode: practice.code,
      username: practice.adminUsername,
      password: practice.temporaryPassword,
    });
    keepCookies(admin);
    const forced = await admin.post('/api/auth/password-change', {
      newPassword: adminPassword,
      confirmPassword: adminPassword,
    });
    expect(forced.body).toEqual({ next: 'signed_in' });
    keepCookies(admin);

    // An admin reset of a user, who signs in with it and then changes the chosen password.
    const user = await seedUser(server.deps, practice, { username: 'logged-user' });
    secrets.add(user.password);
    const reset = await admin.post<{ temporaryPassword: string }>(`/api/staff/${user.id}/reset-password`);
    expect(reset.status).toBe(200);
    secrets.add(reset.body.temporaryPassword);
    const client = new HttpClient(server.url);
    await client.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: reset.body.temporaryPassword,
    });
    keepCookies(client);
    const chosen = 'copper kettle harbour violin';
    const changed = 'copper kettle lighthouse violin';
    secrets.add(chosen).add(changed);
    await client.post('/api/auth/password-change', { newPassword: chosen, confirmPassword: chosen });
    keepCookies(client);
    const change = await client.post('/api/me/password', {
      currentPassword: chosen,
      newPassword: changed,
      confirmPassword: changed,
      signOutOtherSessions: true,
    });
    expect(change.status).toBe(200);
    keepCookies(client);

    // TOTP enrolment, then a sign-in with a code.
    const { secret, recoveryCodes } = await enrolTotp(client, changed, server.clock);
    secrets.add(secret);
    for (const code of recoveryCodes) secrets.add(code);
    const again = new HttpClient(server.url);
    await again.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: changed,
    });
    const code = nextTotpCode(server.clock, secret);
    const step = await again.post('/api/auth/two-factor', { code, rememberBrowser: false });
    expect(step.body).toEqual({ next: 'signed_in' });
    keepCookies(again);

    const text = logLines.join('');
    expect(parsedLog().filter((line) => line.msg === 'request').length).toBeGreaterThan(10);
    expect(text).toContain('/api/me/two-factor/totp/confirm');
    expect(secrets.size).toBeGreaterThan(12);
    for (const value of secrets) expect(text).not.toContain(value);
    // Six digits may occur inside timestamps and durations; a code would stand alone.
    expect(text).not.toMatch(new RegExp(`(^|[^0-9.])${code}([^0-9]|$)`));
  });

  it('carry a request id on every request line, echoed in x-request-id; a proxy’s id only when safe', async () => {
    const client = new HttpClient(server.url);
    const kept = await client.get('/healthz', { 'x-request-id': 'lb-7f3a.9c_2-1' });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.9c_2-1');

    const hostile = ['has spaces', 'a'.repeat(65), 'inject\\u0000"}', 'semi;colon'];
    const replaced = [];
    for (const value of hostile) {
      const response = await client.get('/healthz', { 'x-request-id': value });
      replaced.push(response.headers.get('x-request-id'));
    }
    const own = await client.get('/healthz');
    for (const id of [...replaced, own.headers.get('x-request-id')])
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const requests = parsedLog().filter((line) => line.msg === 'request');
    expect(requests.every((line) => typeof line.reqId === 'string' && line.reqId.length > 0)).toBe(true);
    expect(requests.some((line) => line.reqId === 'lb-7f3a.9c_2-1' && line.route === '/healthz')).toBe(true);
    const text = logLines.join('');
    for (const value of hostile) expect(text).not.toContain(value);
  });
});
