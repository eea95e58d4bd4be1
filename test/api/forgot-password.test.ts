import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { ERASED_BODY } from '../../src/store/mail-store.js';
import { readOutbox, resetTokenFor } from '../support/mail.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

// Real argon2 on a shared two-core machine: each test hashes and verifies several times.
vi.setConfig({ testTimeout: 30_000 });

const PUBLIC_URL = 'http://gatehouse.example:8080';
let server: TestServer;
let practice: TestPractice;

beforeAll(async () => {
  // Limits are tested in rate-limits.test.ts; here they would count this file's many requests
  // from 127.0.0.1 together with other files' on the shared PostgreSQL test database.
  server = await startTestServer({ publicUrl: PUBLIC_URL, rateLimiting: false });
  practice = await seedPractice(server.deps);
});
afterAll(() => server.close());

let userCount = 0;
const emailOf = (user: SeededUser) => `${user.username}@${practice.code.toLowerCase()}.test`;
const NEW_PASSWORD = 'violet tugboat saffron orchard';

/** A request from a browser whose Origin is the public URL, as the reset page sends it. */
const client = () => new HttpClient(server.url, { origin: PUBLIC_URL });

async function requestReset(user: { username: string }, code = practice.code) {
  return client().post('/api/auth/forgot-password', { practiceCode: code, username: user.username });
}

async function tokenFor(user: SeededUser): Promise<string> {
  await requestReset(user);
  await server.deliverMail();
  const token = resetTokenFor(server.outboxDir, emailOf(user));
  if (!token) throw new Error(`no reset email for ${user.username}`);
  return token;
}

function reset(token: string, password = NEW_PASSWORD, confirm = password) {
  return client().post('/api/auth/reset-password', {
    token,
    newPassword: password,
    confirmPassword: confirm,
  });
}

function login(user: SeededUser, password: string) {
  return new HttpClient(server.url).post('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password,
  });
}

describe('POST /api/auth/forgot-password', () => {
  it('answers the same 202 whether or not the account exists', async () => {
    const user = await seedUser(server.deps, practice, { username: 'exists' });
    const answers = [
      await requestReset(user),
      await requestReset({ username: 'nobody' }),
      await requestReset(user, 'NO-SUCH-PRACTICE'),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.text).toBe('{"status":"accepted"}');
    }
    await server.app.backgroundWork.drain();
    const events = await eventsOf(server.deps.store, user.id);
    expect(events[0]).toMatchObject({ type: 'password.reset_requested', outcome: 'success' });
  });

  it('emails a single-use link built from PUBLIC_URL with the token in the fragment, and changes nothing', async () => {
    const user = await seedUser(server.deps, practice, { username: 'linkuser' });
    const token = await tokenFor(user);
    expect(token.length).toBeGreaterThanOrEqual(43);
    const mail = readOutbox(server.outboxDir).find((m) => m.text.includes(token));
    expect(mail?.text).toContain(`${PUBLIC_URL}/reset-password#token=${token}`);
    expect(mail?.text).toContain('60 minutes');
    expect((await login(user, user.password)).status).toBe(200);
    const stored = await server.deps.store.db.selectFrom('password_reset_tokens').select('id').execute();
    expect(stored.some((row) => row.id === token)).toBe(false);
  });

  it('keeps no reset link at rest: once delivered, the email’s body is erased and its record kept', async () => {
    const user = await seedUser(server.deps, practice, { username: 'erased' });
    const token = await tokenFor(user);
    const rows = await server.deps.store.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', emailOf(user))
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({
        subject: expect.stringMatching(/^Reset your password/),
        text_body: ERASED_BODY,
        html_body: ERASED_BODY,
        sent_at: expect.any(Number),
      }),
    ]);
    const everyRow = await server.deps.store.db.selectFrom('mail_outbox').selectAll().execute();
    expect(JSON.stringify(everyRow)).not.toContain(token);
  });

  it('still works for a locked account, and the reset clears the lock', async () => {
    const user = await seedUser(server.deps, practice, { username: 'locked' });
    await server.deps.store.db
      .updateTable('users')
      .set({ locked_until: server.clock.now() + 3_600_000, failed_attempts: 10 })
      .where('id', '=', user.id)
      .execute();
    const token = await tokenFor(user);
    expect((await reset(token)).status).toBe(200);
    const row = await server.deps.store.db
      .selectFrom('users')
      .select(['locked_until', 'failed_attempts'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ locked_until: null, failed_attempts: 0 });
  });

  it('serves the reset page with Referrer-Policy: no-referrer', async () => {
    const page = await new HttpClient(server.url).get('/reset-password');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('refuses bad input with 400', async () => {
    const response = await client().post('/api/auth/forgot-password', { practiceCode: practice.code });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('POST /api/auth/reset-password', () => {
  it('sets the new password, ends every session, records it, emails a notice, and does not sign in', async () => {
    const user = await seedUser(server.deps, practice, { username: 'resetter' });
    const sessions = [
      await signedInClient(server.url, practice.code, user),
      await signedInClient(server.url, practice.code, user),
    ];
    const token = await tokenFor(user);
    const browser = client();
    const response = await browser.post('/api/auth/reset-password', {
      token,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(200);
    expect(browser.cookies.has('gh_session')).toBe(false);
    for (const session of sessions) expect((await session.get('/api/me')).status).toBe(401);
    const remaining = await server.deps.store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(remaining).toEqual([]);
    expect((await login(user, user.password)).status).toBe(401);
    expect((await login(user, NEW_PASSWORD)).status).toBe(200);

    const types = (await eventsOf(server.deps.store, user.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['password.reset_requested', 'password.reset_completed', 'session.revoked']),
    );
    await server.deliverMail();
    const notice = readOutbox(server.outboxDir).filter((m) => m.to === emailOf(user));
    expect(notice.map((m) => m.text).join('\n')).toContain('was reset with a link sent to this address');
    expect(notice.map((m) => m.raw).join('\n')).not.toContain(NEW_PASSWORD);
  });

  it('refuses a token used twice, an expired token and a made-up one with 400 invalid_token', async () => {
    const user = await seedUser(server.deps, practice, { username: 'twice' });
    const token = await tokenFor(user);
    expect((await reset(token)).status).toBe(200);
    const second = await reset(token, 'violet tugboat walrus orchard');
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ error: { code: 'invalid_token' } });

    const late = await seedUser(server.deps, practice, { username: 'late' });
    const lateToken = await tokenFor(late);
    server.clock.advance(60 * 60_000 + 1);
    expect((await reset(lateToken)).body).toMatchObject({ error: { code: 'invalid_token' } });
    expect((await login(late, late.password)).status).toBe(200);

    expect((await reset('made-up-token')).status).toBe(400);
  });

  it('keeps the token usable after a mismatch or a policy violation', async () => {
    const user = await seedUser(server.deps, practice, {
      username: 'carefully',
      password: 'violet tugboat marble orchard',
    });
    const token = await tokenFor(user);
    const mismatch = await reset(token, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ error: { code: 'password_mismatch' } });
    const weak = await reset(token, 'Password123!');
    expect(weak.status).toBe(422);
    expect(weak.body).toMatchObject({ error: { code: 'password_policy' } });
    const reuse = await reset(token, user.password);
    expect(reuse.status).toBe(422);
    expect(JSON.stringify(reuse.body)).toContain('"rule":"history"');
    expect((await reset(token)).status).toBe(200);
  });
});

describe('outstanding reset links end with any password change (R8)', () => {
  const OTHER_PASSWORD = 'amber lantern pebble meadow';

  /** Each way a password changes, done by its own route, after the user asked for a link. */
  const changes: ReadonlyArray<readonly [string, (user: SeededUser) => Promise<number>]> = [
    ['a reset with a newer link', async (user) => (await reset(await tokenFor(user), OTHER_PASSWORD)).status],
    [
      'Change Your Password',
      async (user) => {
        const signedIn = await signedInClient(server.url, practice.code, user);
        const changed = await signedIn.post('/api/me/password', {
          currentPassword: user.password,
          newPassword: OTHER_PASSWORD,
          confirmPassword: OTHER_PASSWORD,
          signOutOtherSessions: false,
        });
        return changed.status;
      },
    ],
    [
      'an admin reset',
      async (user) => {
        const admin = await seedUser(server.deps, practice, {
          username: `boss.of.${user.username}`,
          roles: ['practice_admin'],
        });
        const boss = await signedInClient(server.url, practice.code, admin);
        return (await boss.post(`/api/staff/${user.id}/reset-password`, {})).status;
      },
    ],
  ];

  it.each(changes)('refuses a link issued before %s with 400 invalid_token', async (_change, change) => {
    const user = await seedUser(server.deps, practice, { username: `outrun.${userCount++}` });
    const earlier = await tokenFor(user);
    expect(await change(user)).toBe(200);
    const late = await reset(earlier);
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ error: { code: 'invalid_token' } });
    expect((await login(user, NEW_PASSWORD)).status).toBe(401);
    const left = await server.deps.store.db
      .selectFrom('password_reset_tokens')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(left).toEqual([]);
  });
});

describe('POST /api/auth/forgot-practice-code', () => {
  it('answers 202 whatever exists and emails the practice code to the address', async () => {
    const user = await seedUser(server.deps, practice, { username: 'codeless' });
    const known = await client().post('/api/auth/forgot-practice-code', {
      email: emailOf(user).toUpperCase(),
    });
    const unknown = await client().post('/api/auth/forgot-practice-code', { email: 'nobody@example.test' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.text).toBe(unknown.text);
    await server.deliverMail();
    const mail = readOutbox(server.outboxDir).find(
      (m) => m.to === emailOf(user) && m.text.includes('Practice code:'),
    );
    expect(mail?.text).toContain(`Practice code: ${practice.code}`);
    expect(mail?.text).toContain(`${PUBLIC_URL}/login`);
    const [event] = await eventsOf(server.deps.store, user.id);
    expect(event).toMatchObject({ type: 'practice_code.reminder_requested', outcome: 'success' });
  });
});
