import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/domain/totp.js';
import { forgetRememberedBrowsers } from '../../src/services/remembered-browsers.js';
import type { Store } from '../../src/store/database.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  testDatabase,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';

/** Two instances on one database, as behind a load balancer. */
let stores: Store[];
let server: TestServer;
let other: TestServer;
let practice: TestPractice;

beforeAll(async () => {
  stores = await openTestStores(2);
  const clock = testClock();
  server = await startTestServer({ store: stores[0], clock });
  other = await startTestServer({ store: stores[1], clock });
  practice = await seedPractice(server.deps);
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
  await Promise.all(stores.map((store) => store.close()));
});

let userCounter = 0;
const newUser = (roles?: Parameters<typeof seedUser>[2]['roles'], inPractice = practice) =>
  seedUser(server.deps, inPractice, { username: `tf${userCounter++}`, ...(roles ? { roles } : {}) });

/** Password step only; returns the client and the stage it reached. */
async function passwordStep(user: SeededUser, client = new HttpClient(server.url), inPractice = practice) {
  const response = await client.post<{ next: string }>('/api/auth/login', {
    practiceCode: inPractice.code,
    username: user.username,
    password: user.password,
  });
  expect(response.status).toBe(200);
  return { client, next: response.body.next };
}

async function enrolledUser(roles?: Parameters<typeof seedUser>[2]['roles']) {
  const user = await newUser(roles);
  const client = await signedInClient(server.url, practice.code, user);
  const enrolment = await enrolTotp(client, user.password, server.clock);
  return { user, client, ...enrolment };
}

async function mailTo(user: SeededUser): Promise<string[]> {
  const rows = await server.deps.store.db
    .selectFrom('mail_outbox')
    .select(['subject', 'to_address', 'text_body'])
    .where('to_address', '=', `${user.username}@${practice.code.toLowerCase()}.test`)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => `${row.subject}\n${row.text_body}`);
}

describe('enrolling an authenticator app', () => {
  it('needs the current password, and gives a 160-bit secret, an otpauth URI with the practice as issuer and a QR code', async () => {
    const user = await newUser();
    const client = await signedInClient(server.url, practice.code, user);
    const wrong = await client.post('/api/me/two-factor/totp/setup', { currentPassword: 'not it' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_current_password' } });

    const setup = await client.post<{ secret: string; otpauthUri: string; qrCodeSvg: string }>(
      '/api/me/two-factor/totp/setup',
      { currentPassword: user.password },
    );
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(setup.body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('issuer')).toBe(`Test Practice ${practice.code}`);
    expect(uri.searchParams.get('secret')).toBe(setup.body.secret);
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(setup.body.qrCodeSvg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);

    // Not on until confirmed: signing in needs no code yet.
    expect((await client.get('/api/me/two-factor')).body).toMatchObject({ enabled: false });
    expect((await passwordStep(user)).next).toBe('signed_in');

    const badCode = await client.post('/api/me/two-factor/totp/confirm', { code: '000000' });
    expect(badCode.status).toBe(401);
    expect(badCode.body).toMatchObject({ error: { code: 'invalid_code' } });

    const confirm = await client.post<{ recoveryCodes: string[] }>('/api/me/two-factor/totp/confirm', {
      code: nextTotpCode(server.clock, setup.body.secret),
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    for (const code of confirm.body.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect((await client.get('/api/me/two-factor')).body).toMatchObject({
      enabled: true,
      recoveryCodesRemaining: 10,
    });
    const [enrolled] = await eventsOf(server.deps.store, user.id);
    expect(enrolled).toMatchObject({ type: 'two_factor.enrolled', outcome: 'success' });
    expect((await mailTo(user)).join()).toContain('Two-factor authentication is on');

    const again = await client.post('/api/me/two-factor/totp/setup', { currentPassword: user.password });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'two_factor_already_enabled' } });
  });

  it('refuses confirm without a setup, and bad input with 400', async () => {
    const user = await newUser();
    const client = await signedInClient(server.url, practice.code, user);
    const none = await client.post('/api/me/two-factor/totp/confirm', { code: '123456' });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ error: { code: 'two_factor_setup_required' } });
    for (const body of [{ code: 123456 }, { code: '1'.repeat(65) }, { code: '123456', extra: true }, {}]) {
      const response = await client.post('/api/me/two-factor/totp/confirm', body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });

  it('keeps the secret encrypted in the database and out of every event', async () => {
    const { user, secret, recoveryCodes } = await enrolledUser();
    const row = await server.deps.store.db
      .selectFrom('two_factor_totp')
      .select('secret_box')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_box).toMatch(/^v1\./);
    expect(row.secret_box).not.toContain(secret);
    if (testDatabase() === 'sqlite') {
      const { rows } = await sql<{ file: string }>`pragma database_list`.execute(server.deps.store.db);
      const file = rows[0]?.file ?? '';
      // The database file and its write-ahead log, where a fresh write sits until a checkpoint.
      const bytes = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`)]);
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(row.secret_box))).toBe(true);
    }
    const events = JSON.stringify(
      await server.deps.store.db.selectFrom('audit_events').selectAll().execute(),
    );
    expect(events).not.toContain(secret);
    for (const code of recoveryCodes) expect(events).not.toContain(code);
  });
});
