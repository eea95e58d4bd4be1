import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings } from '../../src/domain/security-settings.js';
import { updatePracticeSettings } from '../../src/store/practice-store.js';
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

let proxied: TestServer;
let direct: TestServer;
let practice: TestPractice;
let admin: SeededUser;
let clinician: SeededUser;

const allowList: SecuritySettings = {
  ...DEFAULT_SECURITY_SETTINGS,
  ipAllowList: {
    enabled: true,
    entries: [
      { name: 'Main office', cidr: '203.0.113.0/24' },
      { name: 'Home office', cidr: '2001:db8:42::/48' },
      { name: 'Billing desk', cidr: '198.51.100.7' },
    ],
  },
};

beforeAll(async () => {
  proxied = await startTestServer({ trustProxy: 1 });
  // The same database without TRUST_PROXY: x-forwarded-for is not believed.
  direct = await startTestServer({ store: proxied.deps.store, clock: proxied.clock });
  practice = await seedPractice(proxied.deps);
  admin = await seedUser(proxied.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  clinician = await seedUser(proxied.deps, practice, { username: 'clin' });
  await updatePracticeSettings(proxied.deps.store.db, practice.practiceId, allowList);
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
});

function loginFrom(ip: string, user: SeededUser, password = user.password, server = proxied) {
  return new HttpClient(server.url, { 'x-forwarded-for': ip }).post('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password,
  });
}

describe('IP allow-list', () => {
  it('admits a listed CIDR range, a listed single address and an IPv6 range', async () => {
    expect((await loginFrom('203.0.113.25', clinician)).status).toBe(200);
    expect((await loginFrom('198.51.100.7', clinician)).status).toBe(200);
    expect((await loginFrom('2001:db8:42:7::1', clinician)).status).toBe(200);
  });

  it('matches an IPv4-mapped IPv6 caller against the IPv4 ranges', async () => {
    expect((await loginFrom('::ffff:203.0.113.9', clinician)).status).toBe(200);
  });

  it('refuses other addresses with 403 ip_not_allowed after a correct password, recording the IP', async () => {
    const refused = await loginFrom('192.0.2.44', clinician);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: { code: 'ip_not_allowed', message: expect.any(String) } });
    expect(refused.headers.getSetCookie().join()).not.toMatch(/gh_session=/);
    const [latest] = await eventsOf(proxied.deps.store, clinician.id);
    expect(latest).toMatchObject({
      type: 'login.failed',
      outcome: 'failure',
      ip: '192.0.2.44',
      details: { reason: 'ip_not_allowed', ip: '192.0.2.44' },
    });
  });

  it('answers a wrong password from a refused address with the uniform 401', async () => {
    const response = await loginFrom('192.0.2.44', clinician, 'wrong password');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'invalid_credentials' } });
  });

  it('exempts Practice Administrators', async () => {
    expect((await loginFrom('192.0.2.44', admin)).status).toBe(200);
  });

  it('does not believe x-forwarded-for without TRUST_PROXY', async () => {
    expect((await loginFrom('203.0.113.25', clinician, clinician.password, direct)).status).toBe(403);
  });

  it('is validated when saved: entries must be addresses or CIDR ranges', async () => {
    const boss = await signedInClient(proxied.url, practice.code, admin, {
      'x-forwarded-for': '203.0.113.1',
    });
    const bad = await boss.request('PUT', '/api/practice/security-settings', {
      ...allowList,
      ipAllowList: { enabled: true, entries: [{ name: 'Typo', cidr: '203.0.113.0/33' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_request' } });
    expect(JSON.stringify(bad.body)).toContain('Typo');
    const good = await boss.request('PUT', '/api/practice/security-settings', {
      ...allowList,
      ipAllowList: { enabled: false, entries: [{ name: 'Office v6', cidr: '2001:db8::/32' }] },
    });
    expect(good.status).toBe(200);
    // Off: everyone is admitted again.
    expect((await loginFrom('192.0.2.44', clinician)).status).toBe(200);
  });

  it('tells an administrator the address the server sees for their computer, and nobody else', async () => {
    const boss = await signedInClient(proxied.url, practice.code, admin, {
      'x-forwarded-for': '203.0.113.77',
    });
    const mine = await boss.request('GET', '/api/practice/computer-access/your-address');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({ ip: '203.0.113.77' });
    const staff = await signedInClient(proxied.url, practice.code, clinician, {
      'x-forwarded-for': '203.0.113.78',
    });
    expect((await staff.request('GET', '/api/practice/computer-access/your-address')).status).toBe(403);
  });
});
