import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/domain/rate-limits.js';
import { errorHandler } from '../../src/http/plugins/error-handler.js';
import { rateLimit } from '../../src/http/plugins/rate-limit.js';
import type { Store } from '../../src/store/database.js';
import { openTestStore, testClock, type TestClock } from '../support/test-server.js';

/**
 * The limiter as other routes use it: one line of route config. Checked here on stand-in
 * routes with the policies of forgot-practice-code (every request counts, per IP and per
 * email) and reset-password (only 400 answers count), over the real database.
 */
let store: Store;
let clock: TestClock;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openTestStore();
  clock = testClock();
  app = Fastify();
  await app.register(errorHandler);
  await app.register(rateLimit, { deps: { store, clock }, enabled: true });
  app.post('/remind', { config: { rateLimit: RATE_LIMITS.forgotPracticeCode } }, async (_request, reply) =>
    reply.status(202).send(null),
  );
  app.post('/reset', { config: { rateLimit: RATE_LIMITS.resetPassword } }, async (request, reply) => {
    const { token } = request.body as { token: string };
    return token === 'good'
      ? { ok: true }
      : reply.status(400).send({ error: { code: 'invalid_token', message: 'x' } });
  });
  app.post('/open', async () => ({ ok: true }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const post = (url: string, payload: unknown, ip = '192.0.2.1') =>
  app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, remoteAddress: ip });

describe('rateLimit route config', () => {
  it('counts every request per email (case-folded) and answers 429 with Retry-After over the limit', async () => {
    const [, emailRule] = RATE_LIMITS.forgotPracticeCode.rules;
    for (let i = 0; i < emailRule.max; i++) {
      expect((await post('/remind', { email: 'Pat@Example.test' }, `192.0.2.${10 + i}`)).statusCode).toBe(
        202,
      );
    }
    const refused = await post('/remind', { email: 'pat@example.test' }, '192.0.2.99');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(refused.headers['retry-after'])).toBe(3600);
    clock.advance(30 * 60_000);
    expect(
      Number((await post('/remind', { email: 'pat@example.test' }, '192.0.2.99')).headers['retry-after']),
    ).toBe(1800);
    clock.advance(30 * 60_000);
    expect((await post('/remind', { email: 'pat@example.test' }, '192.0.2.99')).statusCode).toBe(202);
  });

  it('counts per IP across different emails', async () => {
    const [ipRule] = RATE_LIMITS.forgotPracticeCode.rules;
    for (let i = 0; i < ipRule.max; i++) {
      expect((await post('/remind', { email: `person${i}@example.test` }, '198.51.100.9')).statusCode).toBe(
        202,
      );
    }
    expect((await post('/remind', { email: 'someone.new@example.test' }, '198.51.100.9')).statusCode).toBe(
      429,
    );
    expect((await post('/remind', { email: 'someone.new@example.test' }, '198.51.100.10')).statusCode).toBe(
      202,
    );
  });

  it('counts only the statuses a policy names', async () => {
    const [rule] = RATE_LIMITS.resetPassword.rules;
    for (let i = 0; i < rule.max + 5; i++)
      expect((await post('/reset', { token: 'good' }, '203.0.113.5')).statusCode).toBe(200);
    for (let i = 0; i < rule.max; i++)
      expect((await post('/reset', { token: 'bad' }, '203.0.113.5')).statusCode).toBe(400);
    expect((await post('/reset', { token: 'good' }, '203.0.113.5')).statusCode).toBe(429);
  });

  it('lets no more than the limit through when requests arrive at once', async () => {
    const [, emailRule] = RATE_LIMITS.forgotPracticeCode.rules;
    const answers = await Promise.all(
      Array.from({ length: 3 * emailRule.max }, (_, i) =>
        post('/remind', { email: 'burst@example.test' }, `192.0.2.${100 + i}`),
      ),
    );
    expect(answers.filter((answer) => answer.statusCode === 202)).toHaveLength(emailRule.max);
    expect(answers.filter((answer) => answer.statusCode === 429)).toHaveLength(2 * emailRule.max);
  });

  it('gives back the hits of answers that do not count, even sent at once', async () => {
    const [rule] = RATE_LIMITS.resetPassword.rules;
    const goods = await Promise.all(
      Array.from({ length: 2 * rule.max }, () => post('/reset', { token: 'good' }, '203.0.113.77')),
    );
    expect(goods.filter((answer) => answer.statusCode === 200).length).toBeGreaterThanOrEqual(rule.max);
    for (let i = 0; i < rule.max; i++)
      expect((await post('/reset', { token: 'bad' }, '203.0.113.77')).statusCode).toBe(400);
    expect((await post('/reset', { token: 'bad' }, '203.0.113.77')).statusCode).toBe(429);
  });

  it('leaves routes without the config alone', async () => {
    for (let i = 0; i < 30; i++) expect((await post('/open', {}, '203.0.113.5')).statusCode).toBe(200);
  });
});
