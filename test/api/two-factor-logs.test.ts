import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions, serviceDeps } from '../../src/runtime.js';
import type { Store } from '../../src/store/database.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { openTestStore, seedPractice, seedUser, TEST_SECRET_KEY, testClock } from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';

/** F7, L3: with the most verbose log level, no TOTP secret, code or recovery code reaches the log. */
let store: Store;
let app: FastifyInstance;
let url: string;
const logged: string[] = [];
const clock = testClock();

beforeAll(async () => {
  store = await openTestStore();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  app = await buildApp({
    deps: serviceDeps({ store, clock, secretKeys: [TEST_SECRET_KEY] }),
    publicUrl: undefined,
    trustProxy: false,
    logger: { ...(loggerOptions('trace') as object), stream },
    webRoot: path.resolve('dist/web'),
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

describe('logs', () => {
  it('never contain a TOTP secret, code or recovery code', async () => {
    const deps = serviceDeps({ store, clock });
    const practice = await seedPractice(deps);
    const user = await seedUser(deps, practice, { username: 'quiet' });
    const { secret, recoveryCodes } = await enrolTotp(
      await signedInClient(url, practice.code, user),
      user.password,
      clock,
    );
    const codes: string[] = [];
    for (const code of [nextTotpCode(clock, secret), '000000', recoveryCodes[0] ?? '']) {
      const client = new HttpClient(url);
      await client.post('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: user.password,
      });
      await client.post('/api/auth/two-factor', { code, rememberBrowser: false });
      codes.push(code);
    }
    const text = logged.join('');
    expect(text).toContain('/api/auth/two-factor');
    for (const value of [secret, ...recoveryCodes, user.password]) expect(text).not.toContain(value);
    // Six digits may occur inside timestamps and durations; a code would stand alone.
    for (const code of codes.slice(0, 2))
      expect(text).not.toMatch(new RegExp(`(^|[^0-9.])${code}([^0-9]|$)`));
  });
});
