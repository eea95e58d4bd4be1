import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/domain/rate-limits.js';
import type { Store } from '../../src/store/database.js';
import { eventsOf } from '../support/events.js';
import { HttpClient } from '../support/http-client.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** Two instances on one database behind a trusted proxy: limits hold across both. */
let stores: Store[];
let first: TestServer;
let second: TestServer;
let practice: TestPractice;

const ACCOUNT_MAX = RATE_LIMITS.login.rules[1].max;
const IP_MAX = RATE_LIMITS.login.rules[0].max;

beforeAll(async () => {
  stores = await openTestStores(2);
  const clock = testClock();
  first = await startTestServer({ store: stores[0], clock, trustProxy: 1 });
  second = await startTestServer({ store: stores[1], clock, trustProxy: 1 });
  practice = await seedPractice(first.deps);
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await Promise.all(stores.map((store) => store.close()));
});

function login(i: number, ip: string, username: string, password = 'not the password') {
  const client = new HttpClient(i % 2 ? second.url : first.url, { 'x-forwarded-for': ip });
  return client.post('/api/auth/login', { practiceCode: practice.code, username, password });
}

describe('sign-in rate limits', () => {
  it('refuse a (practice, user name) after its failures, across IPs and instances, with 429 and Retry-After', async () => {
    for (let i = 0; i < ACCOUNT_MAX; i++) {
      expect((await login(i, `192.0.2.${i + 1}`, 'Nobody.Here')).status).toBe(401);
    }
    const refused = await login(0, '192.0.2.200', 'nobody.here');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Another name from the same addresses is not affected.
    expect((await login(1, '192.0.2.1', 'somebody.else')).status).toBe(401);

    first.clock.advance(retryAfter * 1000);
    expect((await login(1, '192.0.2.201', 'nobody.here')).status).toBe(401);
  });

  it('refuse an IP after its failures, whatever the user names', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < IP_MAX; i++) {
      expect((await login(i, ip, `guess${i % 50}x${i}`)).status).toBe(401);
    }
    const refused = await login(0, ip, 'fresh.name');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login(0, '203.0.113.78', 'fresh.name')).status).toBe(401);
  }, 60_000);

  it('never count successful sign-ins: a whole office signs in from one address', async () => {
    const user = await seedUser(first.deps, practice, { username: 'busy' });
    for (let i = 0; i < ACCOUNT_MAX + 5; i++) {
      const response = await login(i, '198.51.100.50', user.username, user.password);
      expect(response.status).toBe(200);
    }
  });

  it('check the limit before the password: an over-limit right password is refused too', async () => {
    const user = await seedUser(first.deps, practice, { username: 'victim' });
    // Failures under another spelling of the same name count for the same account.
    for (let i = 0; i < ACCOUNT_MAX; i++) await login(i, `198.51.100.${i + 1}`, 'VICTIM');
    expect((await login(0, '198.51.100.99', user.username, user.password)).status).toBe(429);
  });

  it('summarise refused sign-ins as one login.throttled event per account and window, not one per request', async () => {
    const user = await seedUser(first.deps, practice, { username: 'hammered' });
    for (let i = 0; i < ACCOUNT_MAX; i++) await login(i, `198.51.100.${i + 1}`, user.username);
    // Several refusals, on both instances: one event, written at the first.
    for (let i = 0; i < 4; i++) expect((await login(i, '198.51.100.120', user.username)).status).toBe(429);
    const throttled = (await eventsOf(first.deps.store, user.id)).filter((e) => e.type === 'login.throttled');
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({
      outcome: 'failure',
      actor: null,
      target: { id: user.id, username: user.username },
      ip: '198.51.100.120',
      details: { per: 'account', limit: ACCOUNT_MAX, windowMinutes: 15, until: expect.any(String) },
    });
    const until = Date.parse(String(throttled[0]?.details.until));
    expect(until).toBeGreaterThan(first.clock.now());

    // The next window's refusals make the next summary.
    first.clock.advance(until - first.clock.now());
    for (let i = 0; i < ACCOUNT_MAX; i++) await login(i, `198.51.100.${i + 1}`, user.username);
    for (let i = 0; i < 2; i++) expect((await login(i, '198.51.100.121', user.username)).status).toBe(429);
    const after = (await eventsOf(first.deps.store, user.id)).filter((e) => e.type === 'login.throttled');
    expect(after).toHaveLength(2);
  });
});
