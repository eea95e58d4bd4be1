import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SECURITY_SETTINGS } from '../../src/domain/security-settings.js';
import { updatePracticeSettings } from '../../src/store/practice-store.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { readOutbox } from '../support/mail.js';
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

let server: TestServer;
let practice: TestPractice;

const WORDS = ['lantern', 'marble', 'quarry', 'thistle', 'pebble', 'saffron', 'walrus', 'juniper'];
const WORDS2 = ['cobalt', 'meadow', 'harbor', 'falcon', 'ember', 'tundra', 'glacier', 'paprika'];
/** A distinct password that meets the default policy. */
const strong = (i: number) => `violet tugboat ${WORDS[i % 8]} ${WORDS2[Math.floor(i / 8) % 8]} orchard`;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
});
afterAll(() => server.close());

async function newUser(username: string, password = strong(0)): Promise<SeededUser> {
  return seedUser(server.deps, practice, { username, password });
}

function login(user: { username: string; password: string }, client = new HttpClient(server.url)) {
  return client.post<{ next: string }>('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password: user.password,
  });
}

describe('GET /api/me/password-policy', () => {
  it('lists the practice’s requirements for the checklist, and the context words', async () => {
    const user = await newUser('policyreader');
    const browser = await signedInClient(server.url, practice.code, user);
    const response = await browser.get<{
      policy: { minLength: number };
      requirements: { rule: string; text: string }[];
      contextWords: string[];
    }>('/api/me/password-policy');
    expect(response.status).toBe(200);
    expect(response.body.policy).toEqual(DEFAULT_SECURITY_SETTINGS.passwordPolicy);
    expect(response.body.requirements[0]).toEqual({ rule: 'min_length', text: 'At least 12 characters' });
    expect(response.body.requirements.map((r) => r.rule)).toContain('history');
    expect(response.body.contextWords).toEqual(expect.arrayContaining([practice.code, 'policyreader']));
    expect((await new HttpClient(server.url).get('/api/me/password-policy')).status).toBe(401);
  });
});

describe('POST /api/me/password (Change Your Password)', () => {
  it('refuses a wrong current password, a mismatch and policy violations, changing nothing', async () => {
    const user = await newUser('changer1');
    const browser = await signedInClient(server.url, practice.code, user);
    const wrong = await browser.post('/api/me/password', {
      currentPassword: `${user.password}x`,
      newPassword: strong(1),
      confirmPassword: strong(1),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_current_password' } });

    const mismatch = await browser.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: strong(1),
      confirmPassword: strong(2),
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ error: { code: 'password_mismatch' } });

    const weak = await browser.post<{ error: { violations: { rule: string; message: string }[] } }>(
      '/api/me/password',
      { currentPassword: user.password, newPassword: 'Password123!', confirmPassword: 'Password123!' },
    );
    expect(weak.status).toBe(422);
    expect(weak.body.error).toMatchObject({ code: 'password_policy' });
    expect(weak.body.error.violations.map((v) => v.rule)).toEqual(
      expect.arrayContaining(['common_password', 'strength']),
    );

    const ownName = await browser.post<{ error: { violations: { rule: string }[] } }>('/api/me/password', {
      currentPassword: user.password,
      newPassword: 'changer1 violet tugboat',
      confirmPassword: 'changer1 violet tugboat',
    });
    expect(ownName.status).toBe(422);
    expect(ownName.body.error.violations.map((v) => v.rule)).toContain('context');

    const same = await browser.post<{ error: { violations: { rule: string }[] } }>('/api/me/password', {
      currentPassword: user.password,
      newPassword: user.password,
      confirmPassword: user.password,
    });
    expect(same.status).toBe(422);
    expect(same.body.error.violations).toEqual([expect.objectContaining({ rule: 'history' })]);

    expect((await login(user)).status).toBe(200);
    const [failed] = (await eventsOf(server.deps.store, user.id)).filter(
      (e) => e.type === 'password.changed',
    );
    expect(failed).toMatchObject({ outcome: 'failure', details: { reason: 'invalid_current_password' } });
    for (const response of [wrong, mismatch, weak, ownName, same]) {
      expect(response.text).not.toContain(user.password);
      expect(response.text).not.toContain(strong(1));
    }
  });

  it('changes the password, ends the other sessions but keeps this one, records it and emails a notice', async () => {
    const user = await newUser('changer2');
    const browser = await signedInClient(server.url, practice.code, user);
    const other = await signedInClient(server.url, practice.code, user);
    const response = await browser.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: strong(3),
      confirmPassword: strong(3),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'password_changed', otherSessionsEnded: 1 });
    expect((await browser.get('/api/me')).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await login(user)).status).toBe(401);
    expect((await login({ ...user, password: strong(3) })).body).toEqual({ next: 'signed_in' });

    const types = (await eventsOf(server.deps.store, user.id)).map((e) => e.type);
    expect(types).toContain('password.changed');
    expect(types).toContain('session.revoked');
    await server.deliverMail();
    const notice = readOutbox(server.outboxDir).find(
      (mail) => mail.to === `changer2@${practice.code.toLowerCase()}.test`,
    );
    expect(notice?.text).toContain('Your password was changed.');
    expect(notice?.text).toContain('IP address: 127.0.0.1');
    expect(notice?.text).toContain(practice.code);
    expect(notice?.raw).not.toContain(strong(3));
  });

  it('keeps the other sessions when signOutOtherSessions is false', async () => {
    const user = await newUser('changer3');
    const browser = await signedInClient(server.url, practice.code, user);
    const other = await signedInClient(server.url, practice.code, user);
    const response = await browser.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: strong(4),
      confirmPassword: strong(4),
      signOutOtherSessions: false,
    });
    expect(response.body).toEqual({ status: 'password_changed', otherSessionsEnded: 0 });
    expect((await other.get('/api/me')).status).toBe(200);
  });

  it('accepts a 64-character password with spaces and emoji, verified in NFC or NFD, not with its last character changed', async () => {
    const user = await newUser('unicode');
    const browser = await signedInClient(server.url, practice.code, user);
    const start = '🙂 café passphrase with spaces and emoji 🏥 for the clinic 🙂 ';
    const password = start + 'qrstuvwxyz'.slice(0, 64 - [...start].length);
    expect([...password].length).toBe(64);
    const response = await browser.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: password.normalize('NFC'),
      confirmPassword: password.normalize('NFC'),
    });
    expect(response.status).toBe(200);
    expect((await login({ ...user, password: password.normalize('NFD') })).status).toBe(200);
    expect((await login({ ...user, password: `${password.slice(0, -1)}!` })).status).toBe(401);
  });

  it('refuses any of the last 10 passwords and allows the 11th', async () => {
    const first = strong(10);
    const user = await newUser('history', first);
    const browser = await signedInClient(server.url, practice.code, user);
    let current = first;
    for (let i = 11; i <= 20; i++) {
      const response = await browser.post('/api/me/password', {
        currentPassword: current,
        newPassword: strong(i),
        confirmPassword: strong(i),
      });
      expect(response.status).toBe(200);
      current = strong(i);
    }
    // The last 10 are strong(11)..strong(20); strong(10), the seed password, is the 11th.
    const reuse = await browser.post<{ error: { violations: { rule: string }[] } }>('/api/me/password', {
      currentPassword: current,
      newPassword: strong(12),
      confirmPassword: strong(12),
    });
    expect(reuse.status).toBe(422);
    expect(reuse.body.error.violations.map((v) => v.rule)).toEqual(['history']);
    const eleventh = await browser.post('/api/me/password', {
      currentPassword: current,
      newPassword: first,
      confirmPassword: first,
    });
    expect(eleventh.status).toBe(200);
  });

  it('refuses bad input with 400 and needs a signed-in session', async () => {
    const user = await newUser('badinput');
    const browser = await signedInClient(server.url, practice.code, user);
    const extra = await browser.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: strong(5),
      confirmPassword: strong(5),
      admin: true,
    });
    expect(extra.status).toBe(400);
    expect(extra.body).toMatchObject({ error: { code: 'invalid_request' } });
    const wrongType = await browser.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: 12,
      confirmPassword: 12,
    });
    expect(wrongType.status).toBe(400);
    const anonymous = await new HttpClient(server.url).post('/api/me/password', {
      currentPassword: 'x',
      newPassword: 'y',
      confirmPassword: 'y',
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('POST /api/auth/password-change (forced change at sign-in)', () => {
  it('takes a temporary password to stage password_change, and on a valid new one to signed_in', async () => {
    const other = await seedPractice(server.deps);
    const admin = { username: other.adminUsername, password: other.temporaryPassword };
    const loginAdmin = (client = new HttpClient(server.url)) =>
      client.post<{ next: string }>('/api/auth/login', { practiceCode: other.code, ...admin });

    // A temporary password works more than once until it is replaced.
    expect((await loginAdmin()).body).toEqual({ next: 'password_change' });
    const browser = new HttpClient(server.url);
    expect((await loginAdmin(browser)).body).toEqual({ next: 'password_change' });
    expect((await browser.get('/api/me')).status).toBe(403);
    expect((await browser.get('/api/me/password-policy')).status).toBe(200);

    const mismatch = await browser.post('/api/auth/password-change', {
      newPassword: strong(6),
      confirmPassword: strong(7),
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ error: { code: 'password_mismatch' } });
    const weak = await browser.post('/api/auth/password-change', {
      newPassword: 'admin password',
      confirmPassword: 'admin password',
    });
    expect(weak.status).toBe(422);
    expect(weak.body).toMatchObject({ error: { code: 'password_policy' } });

    const before = browser.cookies.get('gh_session');
    const done = await browser.post('/api/auth/password-change', {
      newPassword: strong(6),
      confirmPassword: strong(6),
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ next: 'signed_in' });
    expect(browser.cookies.get('gh_session')).not.toBe(before);
    expect((await browser.get('/api/me')).status).toBe(200);

    const replay = new HttpClient(server.url);
    replay.cookies.set('gh_session', before ?? '');
    expect((await replay.get('/api/me')).status).toBe(401);
    // The temporary password is used up; the new one signs in directly.
    expect((await loginAdmin()).status).toBe(401);
    const normal = await new HttpClient(server.url).post('/api/auth/login', {
      practiceCode: other.code,
      username: admin.username,
      password: strong(6),
    });
    expect(normal.body).toEqual({ next: 'signed_in' });
    const types = (await eventsOf(server.deps.store, other.adminId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['password.temporary_used', 'password.changed']));
  });

  it('is refused to a signed-in session', async () => {
    const user = await newUser('notforced');
    const browser = await signedInClient(server.url, practice.code, user);
    const response = await browser.post('/api/auth/password-change', {
      newPassword: strong(7),
      confirmPassword: strong(7),
    });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: { code: 'stage_required' } });
  });

  it('sends an expired password (practice expiry) to password_change', async () => {
    const other = await seedPractice(server.deps);
    const settings = DEFAULT_SECURITY_SETTINGS;
    await updatePracticeSettings(server.deps.store.db, other.practiceId, {
      ...settings,
      passwordPolicy: { ...settings.passwordPolicy, expiryDays: 30 },
    });
    const user = await seedUser(server.deps, other, { username: 'expiring', password: strong(1) });
    const loginUser = () =>
      new HttpClient(server.url).post('/api/auth/login', {
        practiceCode: other.code,
        username: user.username,
        password: user.password,
      });
    expect((await loginUser()).body).toEqual({ next: 'signed_in' });
    server.clock.advance(31 * 86_400_000);
    expect((await loginUser()).body).toEqual({ next: 'password_change' });
  });
});

describe('OpenAPI document', () => {
  it('describes the password and staff routes', async () => {
    const response = await new HttpClient(server.url).get<{ paths: Record<string, unknown> }>(
      '/api/openapi.json',
    );
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/me/password',
        '/api/me/password-policy',
        '/api/auth/password-change',
        '/api/auth/forgot-password',
        '/api/auth/reset-password',
        '/api/auth/forgot-practice-code',
        '/api/staff',
        '/api/staff/{id}',
        '/api/staff/{id}/reset-password',
      ]),
    );
  });
});
