import { DEFAULT_MAIL_FROM } from '../../src/config.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions, serviceDeps } from '../../src/runtime.js';
import { createMailTransport, deliverDueMail } from '../../src/services/mail/mail-delivery.js';
import type { Store } from '../../src/store/database.js';
import { HttpClient } from '../support/http-client.js';
import { resetTokenFor } from '../support/mail.js';
import { openTestStore, seedPractice, TEST_SECRET_KEY, testClock } from '../support/test-server.js';

// Real argon2 on a shared two-core machine: each test hashes and verifies several times.
vi.setConfig({ testTimeout: 30_000 });

/**
 * L3 / R6: after every password flow runs once, no temporary password, chosen password,
 * reset token or session id appears in the server's log output, in any event, or in an error.
 */
let store: Store;
let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  store = await openTestStore();
  const deps = serviceDeps({ store, clock: testClock(), secretKeys: [TEST_SECRET_KEY] });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  app = await buildApp({
    deps,
    publicUrl: undefined,
    trustProxy: false,
    logger: { ...(loggerOptions('debug') as object), stream },
    webRoot: path.resolve('dist/web'),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

it('keeps passwords, temporary passwords, reset tokens and session ids out of logs, events and errors', async () => {
  const url = `http://127.0.0.1:${String((app.server.address() as { port: number }).port)}`;
  const deps = serviceDeps({ store, clock: testClock() });
  const practice = await seedPractice(deps);
  const secrets: string[] = [practice.temporaryPassword];
  const responses: string[] = [];
  const keep = <T extends { text: string }>(response: T) => (responses.push(response.text), response);

  // The administrator's first sign-in with the temporary password, and the forced change.
  const adminPassword = 'violet tugboat lantern orchard';
  secrets.push(adminPassword);
  const admin = new HttpClient(url);
  keep(
    await admin.post('/api/auth/login', {
      practiceCode: practice.code,
      username: 'admin',
      password: practice.temporaryPassword,
    }),
  );
  keep(
    await admin.post('/api/auth/password-change', {
      newPassword: 'Password123!',
      confirmPassword: 'Password123!',
    }),
  );
  keep(
    await admin.post('/api/auth/password-change', {
      newPassword: adminPassword,
      confirmPassword: adminPassword,
    }),
  );
  secrets.push(admin.cookies.get('gh_session') ?? 'missing');

  // New User, their temporary password, an admin reset.
  const created = await admin.post<{ user: { id: string }; temporaryPassword: string }>('/api/staff', {
    username: 'nina',
    firstName: 'Nina',
    lastName: 'Newton',
    email: 'nina@example.test',
    roles: ['clinician'],
  });
  secrets.push(created.body.temporaryPassword);
  const reset = await admin.post<{ temporaryPassword: string }>(
    `/api/staff/${created.body.user.id}/reset-password`,
  );
  secrets.push(reset.body.temporaryPassword);

  // Nina signs in with it, chooses a password, then changes it (a wrong current password first).
  const nina = new HttpClient(url);
  const ninaPassword = 'violet tugboat marble orchard';
  const ninaSecond = 'violet tugboat quarry orchard';
  secrets.push(ninaPassword, ninaSecond, 'wrong current password typed');
  keep(
    await nina.post('/api/auth/login', {
      practiceCode: practice.code,
      username: 'nina',
      password: reset.body.temporaryPassword,
    }),
  );
  keep(
    await nina.post('/api/auth/password-change', {
      newPassword: ninaPassword,
      confirmPassword: ninaPassword,
    }),
  );
  keep(
    await nina.post('/api/me/password', {
      currentPassword: 'wrong current password typed',
      newPassword: ninaSecond,
      confirmPassword: ninaSecond,
    }),
  );
  keep(
    await nina.post('/api/me/password', {
      currentPassword: ninaPassword,
      newPassword: ninaSecond,
      confirmPassword: ninaSecond,
    }),
  );
  secrets.push(nina.cookies.get('gh_session') ?? 'missing');

  // Forgotten password with the emailed token, used twice.
  const outboxDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-secrets-'));
  const transport = createMailTransport({ smtpUrl: undefined, dataDir: outboxDir, from: DEFAULT_MAIL_FROM });
  keep(
    await new HttpClient(url).post('/api/auth/forgot-password', {
      practiceCode: practice.code,
      username: 'nina',
    }),
  );
  await app.backgroundWork.drain();
  await deliverDueMail({ store, clock: deps.clock }, { transport, logger: app.log });
  const token = resetTokenFor(path.join(outboxDir, 'outbox'), 'nina@example.test') ?? 'missing';
  const ninaThird = 'violet tugboat thistle orchard';
  secrets.push(token, ninaThird);
  for (let i = 0; i < 2; i++) {
    keep(
      await new HttpClient(url).post('/api/auth/reset-password', {
        token,
        newPassword: ninaThird,
        confirmPassword: ninaThird,
      }),
    );
  }
  keep(
    await new HttpClient(url).post('/api/auth/login', {
      practiceCode: practice.code,
      username: 'nina',
      password: ninaSecond,
    }),
  );
  expect(responses.some((text) => text.includes('invalid_token'))).toBe(true);
  expect(responses.some((text) => text.includes('invalid_current_password'))).toBe(true);
  expect(logLines.length).toBeGreaterThan(10);

  const events = await store.db.selectFrom('audit_events').selectAll().execute();
  const eventText = JSON.stringify(events);
  expect(events.map((e) => e.type)).toEqual(
    expect.arrayContaining([
      'password.admin_reset',
      'password.temporary_used',
      'password.changed',
      'password.reset_completed',
    ]),
  );
  const logText = logLines.join('');
  for (const secret of secrets) {
    expect(secret).not.toBe('missing');
    expect(logText).not.toContain(secret);
    expect(eventText).not.toContain(secret);
    for (const text of responses) expect(text).not.toContain(secret);
  }
});
