import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/domain/totp.js';
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
    expect(row.secret_box).toMatch(/^v2\.[0-9a-f]{12}\./);
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

describe('the second-factor step of sign-in', () => {
  it('asks for a code after the password, reaches nothing else, and signs in under a new session id', async () => {
    const { user, secret } = await enrolledUser();
    const { client, next } = await passwordStep(user);
    expect(next).toBe('two_factor');
    const me = await client.get('/api/me');
    expect(me.status).toBe(403);
    expect(me.body).toMatchObject({ error: { code: 'stage_required' } });
    const halfway = client.cookies.get('gh_session');

    const wrong = await client.post('/api/auth/two-factor', { code: '000000', rememberBrowser: false });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: {
        code: 'invalid_code',
        message:
          'That code is not valid. Enter the current code from your authenticator app, or a recovery code.',
      },
    });
    const [failed] = await eventsOf(server.deps.store, user.id);
    expect(failed).toMatchObject({
      type: 'two_factor.failed',
      outcome: 'failure',
      details: { reason: 'invalid_code' },
    });
    const counted = await server.deps.store.db
      .selectFrom('users')
      .select('failed_attempts')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(counted.failed_attempts)).toBe(1);

    const code = nextTotpCode(server.clock, secret);
    const ok = await client.post('/api/auth/two-factor', { code, rememberBrowser: false });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ next: 'signed_in' });
    expect(client.cookies.get('gh_session')).not.toBe(halfway);
    expect(client.cookies.has('gh_remember')).toBe(false);
    expect((await client.get('/api/me')).status).toBe(200);
    const replayed = new HttpClient(server.url);
    replayed.cookies.set('gh_session', halfway ?? '');
    expect((await replayed.get('/api/me')).status).toBe(401);

    const types = (await eventsOf(server.deps.store, user.id, 3)).map((event) => event.type);
    expect(types).toEqual(['login.succeeded', 'two_factor.succeeded', 'two_factor.failed']);
    const events = JSON.stringify(await eventsOf(server.deps.store, user.id));
    expect(events).not.toContain(code);
  });

  it('refuses the same code a second time, also on another server instance', async () => {
    const { user, secret } = await enrolledUser();
    const code = nextTotpCode(server.clock, secret);
    const first = (await passwordStep(user)).client;
    const second = (await passwordStep(user, new HttpClient(other.url))).client;
    const third = (await passwordStep(user)).client;
    expect((await first.post('/api/auth/two-factor', { code, rememberBrowser: false })).status).toBe(200);
    const onOther = await second.post('/api/auth/two-factor', { code, rememberBrowser: false });
    expect(onOther.status).toBe(401);
    expect(onOther.body).toMatchObject({ error: { code: 'invalid_code' } });
    expect((await third.post('/api/auth/two-factor', { code, rememberBrowser: false })).status).toBe(401);
    const [replay] = await eventsOf(server.deps.store, user.id);
    expect(replay).toMatchObject({ type: 'two_factor.failed', details: { reason: 'replayed_code' } });
  });

  it('lets exactly one of two simultaneous uses of a code through, across instances', async () => {
    const { user, secret } = await enrolledUser();
    const code = nextTotpCode(server.clock, secret);
    const clients = [
      (await passwordStep(user)).client,
      (await passwordStep(user, new HttpClient(other.url))).client,
      (await passwordStep(user)).client,
      (await passwordStep(user, new HttpClient(other.url))).client,
    ];
    const answers = await Promise.all(
      clients.map((client) => client.post('/api/auth/two-factor', { code, rememberBrowser: false })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401]);
  });

  it('accepts a code one step old, refuses one from three steps ago', async () => {
    const { user, secret } = await enrolledUser();
    server.clock.advance(30_000);
    const stale = totpCodeAt(secret, server.clock.now() - 90_000);
    const { client } = await passwordStep(user);
    expect((await client.post('/api/auth/two-factor', { code: stale, rememberBrowser: false })).status).toBe(
      401,
    );
    server.clock.advance(30_000);
    const previous = totpCodeAt(secret, server.clock.now() - 30_000);
    expect(
      (await client.post('/api/auth/two-factor', { code: previous, rememberBrowser: false })).status,
    ).toBe(200);
  });

  it('refuses a code from a session that is not at the second-factor step', async () => {
    const user = await newUser();
    const client = await signedInClient(server.url, practice.code, user);
    const response = await client.post('/api/auth/two-factor', { code: '123456', rememberBrowser: false });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: { code: 'stage_required' } });
    const anonymous = await new HttpClient(server.url).post('/api/auth/two-factor', {
      code: '123456',
      rememberBrowser: false,
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('recovery codes', () => {
  it('each works once, with an email that counts what is left and warns below three', async () => {
    const { user, recoveryCodes } = await enrolledUser();
    const [firstCode = '', ...rest] = recoveryCodes;
    const { client } = await passwordStep(user);
    // Typed in capitals without dashes still counts.
    const typed = firstCode.replace(/-/g, ' ').toUpperCase();
    expect((await client.post('/api/auth/two-factor', { code: typed, rememberBrowser: false })).status).toBe(
      200,
    );
    expect((await client.get('/api/me/two-factor')).body).toMatchObject({ recoveryCodesRemaining: 9 });
    const recent = await eventsOf(server.deps.store, user.id, 3);
    const used = recent.find((event) => event.type === 'recovery_code.used');
    const succeeded = recent.find((event) => event.type === 'two_factor.succeeded');
    expect(used).toMatchObject({ details: { remaining: 9 } });
    expect(succeeded).toMatchObject({ type: 'two_factor.succeeded', details: { method: 'recovery_code' } });

    const again = (await passwordStep(user)).client;
    const reused = await again.post('/api/auth/two-factor', { code: firstCode, rememberBrowser: false });
    expect(reused.status).toBe(401);

    for (const code of rest.slice(0, 7)) {
      const next = (await passwordStep(user)).client;
      expect((await next.post('/api/auth/two-factor', { code, rememberBrowser: false })).status).toBe(200);
    }
    const mail = (await mailTo(user)).filter((message) => message.startsWith('A recovery code was used'));
    expect(mail).toHaveLength(8);
    // Queued at one instant of the test clock, so found by content rather than order.
    const nineLeft = mail.find((message) => message.includes('You have 9 unused recovery codes left.'));
    const threeLeft = mail.find((message) => message.includes('You have 3 unused recovery codes left.'));
    const twoLeft = mail.find((message) => message.includes('You have 2 unused recovery codes left.'));
    expect([nineLeft, threeLeft, twoLeft].every((message) => message !== undefined)).toBe(true);
    expect(nineLeft).not.toContain('running out');
    expect(threeLeft).not.toContain('running out');
    expect(twoLeft).toContain('You are running out of recovery codes.');
    for (const code of recoveryCodes) expect(mail.join()).not.toContain(code);
  });

  it('are replaced by a new set with the current password', async () => {
    const { user, client, recoveryCodes } = await enrolledUser();
    const refused = await client.post('/api/me/two-factor/recovery-codes', { currentPassword: 'wrong' });
    expect(refused.status).toBe(400);
    const fresh = await client.post<{ recoveryCodes: string[] }>('/api/me/two-factor/recovery-codes', {
      currentPassword: user.password,
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    const old = (await passwordStep(user)).client;
    expect(
      (await old.post('/api/auth/two-factor', { code: recoveryCodes[0], rememberBrowser: false })).status,
    ).toBe(401);
    expect(
      (await old.post('/api/auth/two-factor', { code: fresh.body.recoveryCodes[0], rememberBrowser: false }))
        .status,
    ).toBe(200);
    expect((await eventsOf(server.deps.store, user.id)).map((e) => e.type)).toContain(
      'recovery_codes.regenerated',
    );
    expect((await mailTo(user)).join()).toContain('You have new recovery codes');
  });
});

describe('remembered browsers', () => {
  async function rememberedClient() {
    const enrolled = await enrolledUser();
    const { client } = await passwordStep(enrolled.user);
    const response = await client.post('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, enrolled.secret),
      rememberBrowser: true,
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('gh_remember='));
    expect(cookie).toMatch(/^gh_remember=[\w-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    return { ...enrolled, browser: client };
  }

  it('skip the step until they expire, and are listed and revocable', async () => {
    const { user, browser } = await rememberedClient();
    expect((await passwordStep(user, browser)).next).toBe('signed_in');
    expect((await passwordStep(user)).next).toBe('two_factor');
    const list = await browser.get<{ items: { id: string; browser: string }[] }>(
      '/api/me/remembered-browsers',
    );
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(browser.cookies.get('gh_remember') ?? 'none');

    server.clock.advance(29 * 86_400_000);
    expect((await passwordStep(user, browser)).next).toBe('signed_in');
    server.clock.advance(86_400_000);
    expect((await passwordStep(user, browser)).next).toBe('two_factor');
  });

  it('can be forgotten by the user', async () => {
    const { user, browser } = await rememberedClient();
    const { items } = (await browser.get<{ items: { id: string }[] }>('/api/me/remembered-browsers')).body;
    const id = items[0]?.id ?? '';
    expect((await browser.request('DELETE', `/api/me/remembered-browsers/${id}`)).status).toBe(204);
    expect((await browser.request('DELETE', `/api/me/remembered-browsers/${id}`)).status).toBe(404);
    expect((await passwordStep(user, browser)).next).toBe('two_factor');
  });

  it('are recorded when remembered, forgotten one by one, and forgotten all at an admin reset', async () => {
    const { user, browser } = await rememberedClient();
    const added = (await eventsOf(server.deps.store, user.id, 5)).find(
      (event) => event.type === 'remembered_browser.added',
    );
    const { items } = (await browser.get<{ items: { id: string }[] }>('/api/me/remembered-browsers')).body;
    const id = items[0]?.id ?? '';
    expect(added).toMatchObject({
      type: 'remembered_browser.added',
      outcome: 'success',
      actor: { id: user.id },
      target: { id: user.id },
      details: { browser: id, expiresAt: new Date(server.clock.now() + 30 * 86_400_000).toISOString() },
    });
    expect((await browser.request('DELETE', `/api/me/remembered-browsers/${id}`)).status).toBe(204);
    expect(await eventsOf(server.deps.store, user.id, 1)).toMatchObject([
      { type: 'remembered_browser.removed', actor: { id: user.id }, details: { browser: id, browsers: 1 } },
    ]);
    // A refused request records nothing.
    expect((await browser.request('DELETE', `/api/me/remembered-browsers/${id}`)).status).toBe(404);
    expect((await eventsOf(server.deps.store, user.id, 1))[0]?.type).toBe('remembered_browser.removed');

    const again = await rememberedClient();
    const admin = await newUser(['practice_admin']);
    const adminClient = await signedInClient(server.url, practice.code, admin);
    expect((await adminClient.post(`/api/staff/${again.user.id}/reset-password`)).status).toBe(200);
    const events = await eventsOf(server.deps.store, again.user.id, 3);
    expect(events.find((event) => event.type === 'remembered_browser.removed')).toMatchObject({
      actor: { id: admin.id },
      target: { id: again.user.id },
      details: { reason: 'admin_password_reset', browsers: 1 },
    });
  });

  it('listed are exactly those that still skip the step, under the practice’s current setting', async () => {
    const otherPractice = await seedPractice(server.deps);
    const admin = await newUser(['practice_admin'], otherPractice);
    const adminClient = await signedInClient(server.url, otherPractice.code, admin);
    const { secret } = await enrolTotp(adminClient, admin.password, server.clock);
    const { client } = await passwordStep(admin, new HttpClient(server.url), otherPractice);
    await client.post('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, secret),
      rememberBrowser: true,
    });
    const listed = async () =>
      (await client.get<{ items: unknown[] }>('/api/me/remembered-browsers')).body.items.length;
    expect(await listed()).toBe(1);
    const settings = await client.get<Record<string, unknown>>('/api/practice/security-settings');
    const put = await client.request('PUT', '/api/practice/security-settings', {
      ...settings.body,
      rememberBrowserDays: 7,
    });
    expect(put.status).toBe(200);
    // Past the new 7 days but inside the 30 the browser was remembered for: it no longer counts.
    server.clock.advance(8 * 86_400_000);
    expect((await passwordStep(admin, client, otherPractice)).next).toBe('two_factor');
    const code = nextTotpCode(server.clock, secret);
    const signedIn = await client.post('/api/auth/two-factor', { code, rememberBrowser: false });
    expect(signedIn.status).toBe(200);
    expect(await listed()).toBe(0);
  });

  it('end when the user changes their password and signs the other sessions out, not when they keep them', async () => {
    const changePassword = async (signOutOtherSessions: boolean) => {
      const { user, client, browser } = await rememberedClient();
      const newPassword = `copper kettles whistle at dawn ${userCounter}`;
      const changed = await client.post('/api/me/password', {
        currentPassword: user.password,
        newPassword,
        confirmPassword: newPassword,
        signOutOtherSessions,
      });
      expect(changed.status, changed.text).toBe(200);
      return { user: { ...user, password: newPassword }, browser };
    };
    const kept = await changePassword(false);
    expect((await passwordStep(kept.user, kept.browser)).next).toBe('signed_in');

    const ended = await changePassword(true);
    expect((await ended.browser.get('/api/me')).status).toBe(401);
    expect((await passwordStep(ended.user, ended.browser)).next).toBe('two_factor');
    const events = await eventsOf(server.deps.store, ended.user.id, 5);
    expect(events.find((event) => event.type === 'remembered_browser.removed')).toMatchObject({
      actor: { id: ended.user.id },
      details: { reason: 'password_changed', browsers: 1 },
    });
  });

  it('do not work for another user of the same browser', async () => {
    const { browser } = await rememberedClient();
    const { user: someoneElse } = await enrolledUser();
    expect((await passwordStep(someoneElse, browser)).next).toBe('two_factor');
  });

  it('end when the practice stops allowing them', async () => {
    const otherPractice = await seedPractice(server.deps);
    const admin = await newUser(['practice_admin'], otherPractice);
    const adminClient = await signedInClient(server.url, otherPractice.code, admin);
    const { secret } = await enrolTotp(adminClient, admin.password, server.clock);
    const { client } = await passwordStep(admin, new HttpClient(server.url), otherPractice);
    await client.post('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, secret),
      rememberBrowser: true,
    });
    expect((await passwordStep(admin, client, otherPractice)).next).toBe('signed_in');
    const settings = await client.get<Record<string, unknown>>('/api/practice/security-settings');
    const put = await client.request('PUT', '/api/practice/security-settings', {
      ...settings.body,
      rememberBrowserDays: 0,
    });
    expect(put.status).toBe(200);
    expect((await passwordStep(admin, client, otherPractice)).next).toBe('two_factor');
  });
});

describe('turning two-factor authentication off', () => {
  it('needs the current password, removes codes and remembered browsers, and emails the user', async () => {
    const { user, client, recoveryCodes } = await enrolledUser();
    const refused = await client.request('DELETE', '/api/me/two-factor', { currentPassword: 'wrong' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_current_password' } });
    const off = await client.request('DELETE', '/api/me/two-factor', { currentPassword: user.password });
    expect(off.status).toBe(204);
    expect((await client.get('/api/me/two-factor')).body).toMatchObject({
      enabled: false,
      recoveryCodesRemaining: null,
    });
    expect((await passwordStep(user)).next).toBe('signed_in');
    const count = await server.deps.store.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    expect(recoveryCodes).toHaveLength(10);
    expect((await eventsOf(server.deps.store, user.id)).map((e) => e.type)).toContain('two_factor.disabled');
    expect((await mailTo(user)).join()).toContain('Two-factor authentication is off');
    const twice = await client.request('DELETE', '/api/me/two-factor', { currentPassword: user.password });
    expect(twice.status).toBe(409);
  });

  it('ends the user’s other sessions and remembered browsers, keeping this one', async () => {
    const { user, client, secret } = await enrolledUser();
    const { client: other } = await passwordStep(user);
    const remembered = await other.post('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, secret),
      rememberBrowser: true,
    });
    expect(remembered.status).toBe(200);
    const off = await client.request('DELETE', '/api/me/two-factor', { currentPassword: user.password });
    expect(off.status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    const events = await eventsOf(server.deps.store, user.id, 4);
    expect(events.map((e) => e.type)).toEqual([
      'remembered_browser.removed',
      'session.revoked',
      'notice.admin_alert',
      'two_factor.disabled',
    ]);
    expect(events[1]).toMatchObject({ details: { reason: 'two_factor_disabled', sessions: 1 } });
    // Turned on again, the browser remembered before must pass the new second factor.
    const again = await enrolTotp(client, user.password, server.clock);
    expect(again.secret).not.toBe(secret);
    expect((await passwordStep(user, other)).next).toBe('two_factor');
  });
});

describe('practice requirement', () => {
  it('is refused unless the admin has 2FA, then forces enrolment and blocks every other route until done', async () => {
    const required = await seedPractice(server.deps);
    const admin = await newUser(['practice_admin'], required);
    const staff = await newUser(['clinician'], required);
    const adminClient = await signedInClient(server.url, required.code, admin);
    const settings = (await adminClient.get<Record<string, unknown>>('/api/practice/security-settings')).body;
    const refused = await adminClient.request('PUT', '/api/practice/security-settings', {
      ...settings,
      requireTwoFactor: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: {
        code: 'invalid_request',
        message: expect.stringContaining('Set up two-factor authentication'),
      },
    });

    await enrolTotp(adminClient, admin.password, server.clock);
    const allowed = await adminClient.request('PUT', '/api/practice/security-settings', {
      ...settings,
      requireTwoFactor: true,
    });
    expect(allowed.status).toBe(200);

    const { client, next } = await passwordStep(staff, new HttpClient(server.url), required);
    expect(next).toBe('two_factor_enrollment');
    for (const [method, url] of [
      ['GET', '/api/me'],
      ['GET', '/api/me/two-factor'],
      ['GET', '/api/me/remembered-browsers'],
      ['POST', '/api/me/two-factor/recovery-codes'],
    ] as const) {
      const response = await client.request(
        method,
        url,
        method === 'POST' ? { currentPassword: 'x' } : undefined,
      );
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: { code: 'stage_required' } });
    }
    const before = client.cookies.get('gh_session');
    const setup = await client.post<{ secret: string }>('/api/me/two-factor/totp/setup', {
      currentPassword: staff.password,
    });
    expect(setup.status).toBe(200);
    const confirm = await client.post<{ recoveryCodes: string[]; next: string }>(
      '/api/me/two-factor/totp/confirm',
      {
        code: nextTotpCode(server.clock, setup.body.secret),
      },
    );
    expect(confirm.status).toBe(200);
    expect(confirm.body.next).toBe('signed_in');
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(client.cookies.get('gh_session')).not.toBe(before);
    expect((await client.get('/api/me')).status).toBe(200);
    const [latest] = await eventsOf(server.deps.store, staff.id);
    expect(latest?.type).toBe('login.succeeded');

    const off = await client.request('DELETE', '/api/me/two-factor', { currentPassword: staff.password });
    expect(off.status).toBe(409);
    expect(off.body).toMatchObject({ error: { code: 'two_factor_required' } });

    // Next time: the ordinary second-factor step.
    expect((await passwordStep(staff, new HttpClient(server.url), required)).next).toBe('two_factor');
  });
});

describe('no second password prompt in the enrolment stage', () => {
  /** A practice that requires 2FA, turned on by a second administrator who enrolled first. */
  async function requiringPractice() {
    const required = await seedPractice(server.deps);
    const admin = await newUser(['practice_admin'], required);
    const adminClient = await signedInClient(server.url, required.code, admin);
    await enrolTotp(adminClient, admin.password, server.clock);
    const settings = (await adminClient.get<Record<string, unknown>>('/api/practice/security-settings')).body;
    const saved = await adminClient.request('PUT', '/api/practice/security-settings', {
      ...settings,
      requireTwoFactor: true,
    });
    expect(saved.status).toBe(200);
    return required;
  }

  it('sets up without the password right after sign-in, but checks one that is sent', async () => {
    const required = await requiringPractice();
    const staff = await newUser(['clinician'], required);
    const { client, next } = await passwordStep(staff, new HttpClient(server.url), required);
    expect(next).toBe('two_factor_enrollment');

    const wrong = await client.post('/api/me/two-factor/totp/setup', { currentPassword: 'not it' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_current_password' } });

    const setup = await client.post<{ secret: string }>('/api/me/two-factor/totp/setup', {});
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirm = await client.post<{ next: string }>('/api/me/two-factor/totp/confirm', {
      code: nextTotpCode(server.clock, setup.body.secret),
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body.next).toBe('signed_in');
    const types = (await eventsOf(server.deps.store, staff.id, 10)).map((event) => event.type);
    expect(types).toContain('two_factor.enrolled');
  });

  it('also after the forced password change that precedes enrolment', async () => {
    const required = await requiringPractice();
    // The practice's first administrator still holds the temporary password from its creation.
    const client = new HttpClient(server.url);
    const login = await client.post<{ next: string }>('/api/auth/login', {
      practiceCode: required.code,
      username: required.adminUsername,
      password: required.temporaryPassword,
    });
    expect(login.body.next).toBe('password_change');
    const newPassword = 'a fresh passphrase for enrolment day';
    const changed = await client.post<{ next: string }>('/api/auth/password-change', {
      newPassword,
      confirmPassword: newPassword,
    });
    expect(changed.body.next).toBe('two_factor_enrollment');
    const setup = await client.post<{ secret: string }>('/api/me/two-factor/totp/setup', {});
    expect(setup.status).toBe(200);
  });

  it('still asks a signed-in session for its current password', async () => {
    const user = await newUser();
    const client = await signedInClient(server.url, practice.code, user);
    const setup = await client.post('/api/me/two-factor/totp/setup', {});
    expect(setup.status).toBe(400);
    expect(setup.body).toMatchObject({
      error: { code: 'invalid_request', message: 'Enter your current password.' },
    });
    // Nothing was set up: there is no secret to confirm.
    const confirm = await client.post('/api/me/two-factor/totp/confirm', { code: '123456' });
    expect(confirm.status).toBe(409);
    expect(confirm.body).toMatchObject({ error: { code: 'two_factor_setup_required' } });
    const empty = await client.post('/api/me/two-factor/totp/setup', { currentPassword: '' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('admin removal', () => {
  it('ends the user’s sessions and remembered browsers, records the event, emails the user', async () => {
    const admin = await newUser(['practice_admin']);
    const adminClient = await signedInClient(server.url, practice.code, admin);
    const { user, client, secret } = await enrolledUser();
    const { client: remembered } = await passwordStep(user);
    await remembered.post('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, secret),
      rememberBrowser: true,
    });

    const removed = await adminClient.request('DELETE', `/api/staff/${user.id}/two-factor`);
    expect(removed.status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(401);
    expect((await remembered.get('/api/me')).status).toBe(401);
    const events = await eventsOf(server.deps.store, user.id, 4);
    expect(events.map((e) => e.type)).toEqual([
      'remembered_browser.removed',
      'session.revoked',
      'notice.admin_alert',
      'two_factor.removed_by_admin',
    ]);
    expect(events[3]?.actor).toEqual({ id: admin.id, username: admin.username });
    expect(events[1]).toMatchObject({ details: { reason: 'two_factor_removed' } });
    expect(events[0]).toMatchObject({ details: { reason: 'two_factor_removed', browsers: 1 } });
    expect((await mailTo(user)).join()).toContain('Your two-factor authentication was removed');
    // No second factor any more, and the remembered browser is forgotten with it.
    expect((await passwordStep(user, remembered)).next).toBe('signed_in');
    const count = await server.deps.store.db
      .selectFrom('remembered_browsers')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);

    const again = await adminClient.request('DELETE', `/api/staff/${user.id}/two-factor`);
    expect(again.status).toBe(409);
  });

  it('is 404 for an admin of another practice, for a non-admin, and for an unknown id', async () => {
    const { user } = await enrolledUser();
    const elsewhere = await seedPractice(server.deps);
    const foreignAdmin = await newUser(['practice_admin'], elsewhere);
    const foreign = await signedInClient(server.url, elsewhere.code, foreignAdmin);
    const colleague = await signedInClient(
      server.url,
      practice.code,
      await newUser(['clinician', 'clinical_admin']),
    );
    const admin = await signedInClient(server.url, practice.code, await newUser(['practice_admin']));
    for (const [client, id] of [
      [foreign, user.id],
      [colleague, user.id],
      [admin, '00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const response = await client.request('DELETE', `/api/staff/${id}/two-factor`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await passwordStep(user)).next).toBe('two_factor');
  });

  it('makes the user enrol again at next sign-in when the practice requires it', async () => {
    const required = await seedPractice(server.deps);
    const admin = await newUser(['practice_admin'], required);
    const staff = await newUser(['clinician'], required);
    const adminClient = await signedInClient(server.url, required.code, admin);
    await enrolTotp(adminClient, admin.password, server.clock);
    const staffClient = await signedInClient(server.url, required.code, staff);
    await enrolTotp(staffClient, staff.password, server.clock);
    const settings = (await adminClient.get<Record<string, unknown>>('/api/practice/security-settings')).body;
    await adminClient.request('PUT', '/api/practice/security-settings', {
      ...settings,
      requireTwoFactor: true,
    });
    expect((await adminClient.request('DELETE', `/api/staff/${staff.id}/two-factor`)).status).toBe(204);
    expect((await passwordStep(staff, new HttpClient(server.url), required)).next).toBe(
      'two_factor_enrollment',
    );
  });
});
