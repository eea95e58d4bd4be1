import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/domain/rate-limits.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../src/domain/security-settings.js';
import { updatePracticeSettings } from '../../src/store/practice-store.js';
import { eventsOf } from '../support/events.js';
import { HttpClient } from '../support/http-client.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * TRUST_PROXY (src/domain/trusted-proxies.ts, docs/requirements.md T9): the caller is the
 * right-most x-forwarded-for address not trusted, so what a client writes into the header
 * itself is never believed. One instance with `TRUST_PROXY=true` sits behind a real proxy that
 * appends the caller's address, as nginx's `$proxy_add_x_forwarded_for` does; two more on the
 * same database trust two hops and a list of proxy addresses.
 */
let oneHop: TestServer;
let twoHops: TestServer;
let listed: TestServer;
let proxy: RoundRobinProxy;
let practice: TestPractice;
let clinician: SeededUser;

const FORGOT_PASSWORD_IP_MAX = RATE_LIMITS.forgotPassword.rules[0].max;

beforeAll(async () => {
  oneHop = await startTestServer({ trustProxy: 1 });
  const shared = { store: oneHop.deps.store, clock: oneHop.clock };
  twoHops = await startTestServer({ ...shared, trustProxy: 2 });
  listed = await startTestServer({ ...shared, trustProxy: ['127.0.0.1', '198.51.100.0/24'] });
  proxy = await startRoundRobinProxy([oneHop.url]);
  practice = await seedPractice(oneHop.deps);
  clinician = await seedUser(oneHop.deps, practice, { username: 'clin' });
  await updatePracticeSettings(oneHop.deps.store.db, practice.practiceId, {
    ...DEFAULT_SECURITY_SETTINGS,
    ipAllowList: { enabled: true, entries: [{ name: 'Clinic network', cidr: '10.0.0.0/8' }] },
  });
});
afterAll(async () => {
  await proxy.close();
  await Promise.all([listed.close(), twoHops.close()]);
  await oneHop.close();
});

function login(base: string, forwardedFor: string) {
  return new HttpClient(base, { 'x-forwarded-for': forwardedFor }).post('/api/auth/login', {
    practiceCode: practice.code,
    username: clinician.username,
    password: clinician.password,
  });
}

/** The address the allow-list saw for the clinician's last refused sign-in. */
async function lastRefusedIp(): Promise<unknown> {
  const [latest] = await eventsOf(oneHop.deps.store, clinician.id);
  expect(latest).toMatchObject({ type: 'login.failed', details: { reason: 'ip_not_allowed' } });
  return latest?.ip;
}

describe('TRUST_PROXY', () => {
  it('true: a client forging an allowed x-forwarded-for through an appending proxy is refused by the IP allow-list', async () => {
    const forged = await login(proxy.url, '10.9.9.9');
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ error: { code: 'ip_not_allowed' } });
    // The proxy saw the client at 127.0.0.1 and said so on the right; that is the client.
    expect(await lastRefusedIp()).toBe('127.0.0.1');
  });

  it('true: made-up x-forwarded-for entries do not dodge the per-IP rate limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= FORGOT_PASSWORD_IP_MAX; i++) {
      const client = new HttpClient(proxy.url, { 'x-forwarded-for': `192.0.2.${i + 1}` });
      const response = await client.post('/api/auth/forgot-password', {
        practiceCode: practice.code,
        username: `someone${i}`,
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array<number>(FORGOT_PASSWORD_IP_MAX).fill(202), 429]);
  });

  it('a hop count: the client is the address that many hops from the server', async () => {
    // Socket 127.0.0.1 (hop 0), 198.51.100.1 (hop 1) are proxies; 203.0.113.5 is the client.
    expect((await login(twoHops.url, '10.9.9.9, 203.0.113.5, 198.51.100.1')).status).toBe(403);
    expect(await lastRefusedIp()).toBe('203.0.113.5');
    expect((await login(twoHops.url, '203.0.113.5, 10.9.9.9, 198.51.100.1')).status).toBe(200);
  });

  it('a list: only hops at the listed proxy addresses are skipped', async () => {
    expect((await login(listed.url, '10.9.9.9, 203.0.113.5, 198.51.100.1')).status).toBe(403);
    expect(await lastRefusedIp()).toBe('203.0.113.5');
    // 10.9.9.9 is not at a listed proxy address, so it is the client, and an allowed one.
    expect((await login(listed.url, '203.0.113.5, 10.9.9.9, 198.51.100.1')).status).toBe(200);
  });
});
