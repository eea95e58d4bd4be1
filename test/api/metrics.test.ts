import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/domain/rate-limits.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testDatabase,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * /metrics counts what happened, exactly once each, with bounded labels: one successful and
 * one failed sign-in, a lockout (the practice's default threshold of 10 wrong passwords), a
 * rate-limit hit, and the request timings by route pattern.
 */
const TOKEN = 'metrics-test-token-0123456789abcdef0123456789';
const LOCK_THRESHOLD = 10;
const FORGOT_PASSWORD_ACCOUNT_MAX = RATE_LIMITS.forgotPassword.rules[1].max;

let server: TestServer;
let practice: TestPractice;
let alice: SeededUser;
let bob: SeededUser;

beforeAll(async () => {
  server = await startTestServer({ metricsToken: TOKEN });
  practice = await seedPractice(server.deps, 'MET');
  alice = await seedUser(server.deps, practice, { username: 'alice-metrics' });
  bob = await seedUser(server.deps, practice, { username: 'bob-metrics' });
});
afterAll(async () => {
  await server.close();
});

async function scrape(): Promise<string> {
  const response = await new HttpClient(server.url).get('/metrics', { authorization: `Bearer ${TOKEN}` });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text;
}

/** The sample `name{labels}` whose labels include all of `labels`; undefined when none matches. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

function login(user: SeededUser, password: string) {
  return new HttpClient(server.url).post('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password,
  });
}

describe('/metrics', () => {
  it('is refused without the token, with a wrong token, and is off on a server without METRICS_TOKEN', async () => {
    const client = new HttpClient(server.url);
    const none = await client.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((none.body as { error: { code: string } }).error.code).toBe('not_authenticated');
    expect((await client.get('/metrics', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect(none.text).not.toContain('gatehouse_');

    const plain = await startTestServer({ store: server.deps.store });
    try {
      const off = await new HttpClient(plain.url).get('/metrics', { authorization: `Bearer ${TOKEN}` });
      expect(off.status).toBe(404);
      expect(off.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    } finally {
      await plain.close();
    }
  });

  it('counts a success, a failure, a lockout and a rate-limit hit exactly', async () => {
    const signedIn = await signedInClient(server.url, practice.code, alice);
    expect((await login(alice, 'not alice’s password')).status).toBe(401);
    for (let i = 0; i < LOCK_THRESHOLD; i++) expect((await login(bob, `wrong ${i}`)).status).toBe(401);
    // Locked now: the right password is refused too, with reason `locked` (403 account_locked).
    expect((await login(bob, bob.password)).status).toBe(403);
    const forgot = new HttpClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i <= FORGOT_PASSWORD_ACCOUNT_MAX; i++) {
      const response = await forgot.post('/api/auth/forgot-password', {
        practiceCode: practice.code,
        username: alice.username,
      });
      statuses.push(response.status);
    }
    expect(statuses.at(-1)).toBe(429);
    // A clinician may not read staff (404); the request is timed under the pattern, not the id.
    expect((await signedIn.get(`/api/staff/${bob.id}`)).status).toBe(404);

    const text = await scrape();
    const practiceId = practice.practiceId;
    expect(sample(text, 'gatehouse_sign_ins_total', { outcome: 'success', practice: practiceId })).toBe(1);
    expect(
      sample(text, 'gatehouse_sign_ins_total', {
        outcome: 'failure',
        reason: 'wrong_password',
        practice: practiceId,
      }),
    ).toBe(1 + LOCK_THRESHOLD);
    expect(sample(text, 'gatehouse_sign_ins_total', { outcome: 'failure', reason: 'locked' })).toBe(1);
    expect(sample(text, 'gatehouse_account_lockouts_total', { practice: practiceId })).toBe(1);
    expect(sample(text, 'gatehouse_rate_limit_hits_total', { limit: 'forgot-password' })).toBe(1);
    expect(sample(text, 'gatehouse_rate_limit_hits_total', { limit: 'login' })).toBeUndefined();
    expect(sample(text, 'gatehouse_audit_events_total', { type: 'account.locked', outcome: 'success' })).toBe(
      1,
    );

    // Latency by route pattern and status: never the raw URL with its id.
    const loginCount = { method: 'POST', route: '/api/auth/login', status_code: '401' };
    expect(sample(text, 'gatehouse_http_request_duration_seconds_count', loginCount)).toBe(
      1 + LOCK_THRESHOLD,
    );
    expect(
      sample(text, 'gatehouse_http_request_duration_seconds_count', { ...loginCount, status_code: '403' }),
    ).toBe(1);
    expect(
      sample(text, 'gatehouse_http_request_duration_seconds_count', {
        route: '/api/auth/forgot-password',
        status_code: '429',
      }),
    ).toBe(1);
    expect(sample(text, 'gatehouse_http_request_duration_seconds_count', { route: '/api/staff/:id' })).toBe(
      1,
    );
    expect(text).not.toContain(bob.id);
    for (const secretOrName of [alice.username, bob.username, practice.code, bob.password, TOKEN])
      expect(text).not.toContain(secretOrName);

    // Default Node.js process metrics, and the pool only where there is one.
    expect(sample(text, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
    const pool = sample(text, 'gatehouse_db_pool_connections', {});
    if (testDatabase() === 'postgres') {
      expect(pool).toBeGreaterThan(0);
      expect(sample(text, 'gatehouse_db_pool_waiting_queries', {})).toBe(0);
    } else expect(pool).toBeUndefined();
  });

  it('counts second-factor outcomes with their method or reason', async () => {
    const other = await seedPractice(server.deps, 'MEU');
    const carol = await seedUser(server.deps, other, { username: 'carol-metrics' });
    const { secret } = await enrolTotp(
      await signedInClient(server.url, other.code, carol),
      carol.password,
      server.clock,
    );
    const client = new HttpClient(server.url);
    await client.post('/api/auth/login', {
      practiceCode: other.code,
      username: carol.username,
      password: carol.password,
    });
    const wrong = String((Number(nextTotpCode(server.clock, secret)) + 1) % 1_000_000).padStart(6, '0');
    expect((await client.post('/api/auth/two-factor', { code: wrong, rememberBrowser: false })).status).toBe(
      401,
    );
    const code = nextTotpCode(server.clock, secret);
    expect((await client.post('/api/auth/two-factor', { code, rememberBrowser: false })).status).toBe(200);

    const text = await scrape();
    const practice = other.practiceId;
    expect(
      sample(text, 'gatehouse_two_factor_total', { outcome: 'failure', reason: 'invalid_code', practice }),
    ).toBe(1);
    expect(sample(text, 'gatehouse_two_factor_total', { outcome: 'success', method: 'totp', practice })).toBe(
      1,
    );
    // Enrolment's sign-in and the one through the second factor.
    expect(sample(text, 'gatehouse_sign_ins_total', { outcome: 'success', practice })).toBe(2);
  });
  it('shows the mail queue: how many emails wait and how long the oldest has, until they are delivered', async () => {
    const queue = async () => {
      const text = await scrape();
      return {
        pending: sample(text, 'gatehouse_mail_queue_pending', {}),
        oldest: sample(text, 'gatehouse_mail_queue_oldest_age_seconds', {}),
      };
    };
    // What earlier tests queued (lockout and reset emails) goes out first.
    while ((await server.deliverMail()) > 0);
    expect(await queue()).toEqual({ pending: 0, oldest: 0 });

    const carol = await seedUser(server.deps, practice, { username: 'carol-metrics' });
    const forgot = await new HttpClient(server.url).post('/api/auth/forgot-password', {
      practiceCode: practice.code,
      username: carol.username,
    });
    expect(forgot.status).toBe(202);
    await server.app.backgroundWork.drain();
    server.clock.advance(90_000);
    expect(await queue()).toEqual({ pending: 1, oldest: 90 });

    expect(await server.deliverMail()).toBe(1);
    expect(await queue()).toEqual({ pending: 0, oldest: 0 });
  });
});
