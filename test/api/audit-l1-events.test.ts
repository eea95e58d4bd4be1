import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventParty, type EventType } from '../../src/domain/audit-event.js';
import type { Role } from '../../src/domain/roles.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { resetTokenFor } from '../support/mail.js';
import { registerPasskey, type RegistrationOptions } from '../support/software-authenticator.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp, nextTotpCode, type Enrolment } from '../support/two-factor.js';

/**
 * docs/requirements.md L1, one row per event: each row performs the action over real
 * HTTP with its own user agent and client address, then reads the practice's activity log
 * (GET /api/activity) and the actor's and target's logs (GET /api/staff/:id/activity) and
 * finds exactly that one event, with its actor, target, IP, user agent, outcome and details.
 *
 * The server runs with TRUST_PROXY on, so the client address each row sends in
 * x-forwarded-for is the IP the event must carry (test/api/activity.test.ts shows that
 * without TRUST_PROXY the header is ignored). Set-up steps send neither header, so they
 * appear as 127.0.0.1 with the client's default user agent and never match a row.
 */

/** L1 as docs/requirements.md words it, one entry per thing it says is logged. */
const L1_ITEMS = [
  'login success',
  'login failure (with reason)',
  '2FA success',
  '2FA failure',
  'logout',
  'timeout',
  'password change',
  'password reset',
  'password admin reset',
  'temporary password use',
  '2FA enrol',
  '2FA remove',
  'recovery code use',
  'lock',
  'unlock',
  'session revoke',
  'user create',
  'user edit',
  'user deactivate',
  'role change',
  'settings change',
  "reads of another user's activity",
] as const;
type L1Item = (typeof L1_ITEMS)[number];

/**
 * Where every event type stands against L1: the item it records, or why it is recorded
 * although L1 does not ask for it. A Record, so a new event type does not compile until it is
 * placed here (and, when it records an L1 item, given a row below).
 */
const L1_ITEM_OF: Record<EventType, L1Item | { readonly notInL1: string }> = {
  'login.succeeded': 'login success',
  'login.failed': 'login failure (with reason)',
  'login.throttled': {
    notInL1: 'one summary per rate-limit window of sign-ins refused before any password check',
  },
  logout: 'logout',
  'session.expired': 'timeout',
  'session.revoked': 'session revoke',
  'two_factor.succeeded': '2FA success',
  'two_factor.failed': '2FA failure',
  'two_factor.enrolled': '2FA enrol',
  'two_factor.disabled': '2FA remove',
  'two_factor.removed_by_admin': '2FA remove',
  'recovery_code.used': 'recovery code use',
  'recovery_codes.regenerated': { notInL1: 'a new set of recovery codes; 2FA stays on' },
  'password.changed': 'password change',
  'password.admin_reset': 'password admin reset',
  'password.reset_requested': 'password reset',
  'password.reset_completed': 'password reset',
  'password.temporary_used': 'temporary password use',
  'practice_code.reminder_requested': { notInL1: 'an email listing practice codes; changes nothing' },
  'account.locked': 'lock',
  'account.unlocked': 'unlock',
  'user.created': 'user create',
  'user.updated': 'user edit',
  'user.deactivated': 'user deactivate',
  'user.reactivated': 'user edit',
  'user.roles_changed': 'role change',
  'practice.created': { notInL1: 'made by the CLI or first start, not over HTTP' },
  'settings.changed': 'settings change',
  'activity.viewed': "reads of another user's activity",
  'passkey.added': '2FA enrol',
  'passkey.removed': '2FA remove',
  'passkey.renamed': { notInL1: 'a passkey’s name; the credential stays as it was' },
  'remembered_browser.added': { notInL1: 'follows the two_factor.succeeded it skips later steps for' },
  'remembered_browser.removed': { notInL1: 'a browser must pass the second factor again' },
  'user.access_restored': {
    notInL1:
      'the operator’s emergency access (CLI only, no request to send; test/api/emergency-access.test.ts)',
  },
  'app.signed_in': { notInL1: 'a sign-in to a connected app, after the login events it follows' },
  'app.created': { notInL1: 'a connected app registered (test/api/oidc-apps.test.ts)' },
  'app.updated': { notInL1: 'a connected app edited (test/api/oidc-apps.test.ts)' },
  'app.secret_rotated': { notInL1: 'a connected app’s client secret replaced (test/api/oidc-apps.test.ts)' },
  'app.deleted': { notInL1: 'a connected app removed (test/api/oidc-apps.test.ts)' },
  'app.signed_out': {
    notInL1:
      'a connected app told of a session’s end, after the logout or revocation event it follows (test/api/oidc-back-channel-logout.test.ts)',
  },
  'notice.new_device': { notInL1: 'an email about a sign-in (test/api/notices.test.ts)' },
  'notice.admin_alert': { notInL1: 'an email about another event (test/api/notices.test.ts)' },
  'notice.admin_digest': { notInL1: 'a daily email of alerts (test/api/notices.test.ts)' },
};

/** The row's user agent and x-forwarded-for, to send with the one request that is the action. */
type As = Readonly<Record<'user-agent' | 'x-forwarded-for', string>>;

interface Expected {
  readonly outcome: 'success' | 'failure';
  readonly actor: EventParty | null;
  readonly target: EventParty | null;
  /** Fields the event's details must hold (others may be there too). */
  readonly details?: Readonly<Record<string, unknown>>;
}

interface Row {
  readonly item: L1Item;
  readonly type: EventType;
  /** What the row does, in the test's name. */
  readonly action: string;
  /** Performs the action (its set-up sends no `as` headers) and says what the event must say. */
  readonly act: (as: As) => Promise<Expected>;
}

interface Event {
  readonly id: string;
  readonly type: string;
  readonly outcome: string;
  readonly actor: EventParty | null;
  readonly target: EventParty | null;
  readonly ip: string;
  readonly userAgent: string;
  readonly details: Record<string, unknown>;
}

const MINUTE = 60_000;
const NEW_PASSWORD = 'copper kettles whistle at dawn 1984';

let server: TestServer;
let practice: TestPractice;
/** Performs the administrators' actions. */
let admin: SeededUser;
/** Reads the logs, so its own events never match a row. */
let auditor: SeededUser;
let clinicalAdmin: SeededUser;

beforeAll(async () => {
  server = await startTestServer({ trustProxy: 1 });
  practice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  auditor = await seedUser(server.deps, practice, { username: 'auditor', roles: ['practice_admin'] });
  clinicalAdmin = await seedUser(server.deps, practice, { username: 'clara', roles: ['clinical_admin'] });
});
afterAll(() => server.close());

let userCount = 0;
const newUser = (roles?: readonly Role[]) =>
  seedUser(server.deps, practice, { username: `staff${userCount++}`, roles });
const party = (user: EventParty): EventParty => ({ id: user.id, username: user.username });
const emailOf = (user: EventParty) => `${user.username}@${practice.code.toLowerCase()}.test`;
/** Each row signs its actors in afresh: rows move the clock, and old sessions time out. */
const signIn = (user: SeededUser, headers: Record<string, string> = {}) =>
  signedInClient(server.url, practice.code, user, headers);
const credentials = (user: { username: string }, password: string) => ({
  practiceCode: practice.code,
  username: user.username,
  password,
});

async function expectStatus(response: Promise<{ status: number; text: string }>, status: number) {
  const { status: got, text } = await response;
  expect(got, text).toBe(status);
}

/** A user with TOTP on, and a browser signed in as them (the enrolment's). */
async function twoFactorUser(): Promise<{ user: SeededUser; client: HttpClient } & Enrolment> {
  const user = await newUser();
  const client = await signIn(user);
  return { user, client, ...(await enrolTotp(client, user.password, server.clock)) };
}

/** A browser past the password, at the second-factor step. */
async function atSecondFactor(user: SeededUser, headers: Record<string, string> = {}): Promise<HttpClient> {
  const client = new HttpClient(server.url, headers);
  const response = await client.post<{ next: string }>('/api/auth/login', credentials(user, user.password));
  expect(response.body.next).toBe('two_factor');
  return client;
}

/** A staff member made by the admin, still holding the temporary password. */
async function newStaffWithTemporaryPassword(): Promise<{ user: EventParty; temporaryPassword: string }> {
  const username = `temp${userCount++}`;
  const created = await (
    await signIn(admin)
  ).post<{ user: EventParty; temporaryPassword: string }>('/api/staff', {
    username,
    firstName: 'Tia',
    lastName: 'Temporary',
    email: `${username}@${practice.code.toLowerCase()}.test`,
    roles: ['clinician'],
  });
  expect(created.status).toBe(201);
  return { user: party(created.body.user), temporaryPassword: created.body.temporaryPassword };
}

/** Registers a passkey with the software authenticator; returns its id. */
async function addPasskey(client: HttpClient, password: string, headers: Record<string, string> = {}) {
  const begun = await client.post<{ options: RegistrationOptions }>(
    '/api/me/passkeys/registration-options',
    { currentPassword: password },
    headers,
  );
  expect(begun.status).toBe(200);
  const response = registerPasskey(begun.body.options, server.url);
  const added = await client.post<{ id: string }>(
    '/api/me/passkeys',
    { name: 'Desk key', response },
    headers,
  );
  expect(added.status, added.text).toBe(201);
  return added.body.id;
}

/** What an event about the user's own action says. */
const bySelf = (user: EventParty, details?: Expected['details']): Expected => ({
  outcome: 'success',
  actor: party(user),
  target: party(user),
  details,
});

/** What an event about the admin's action on the user says. */
const byAdmin = (user: EventParty, details?: Expected['details']): Expected => ({
  outcome: 'success',
  actor: party(admin),
  target: party(user),
  details,
});

/** Change Your Password's body. */
const changeBody = (currentPassword: string) => ({
  currentPassword,
  newPassword: NEW_PASSWORD,
  confirmPassword: NEW_PASSWORD,
  signOutOtherSessions: false,
});

/** Staff > Name: the admin edits a user (`as` only on this request). */
async function patchStaff(user: EventParty, body: Record<string, unknown>, as: Partial<As> = {}) {
  await expectStatus((await signIn(admin)).request('PATCH', `/api/staff/${user.id}`, body, as), 200);
}

/** Ten wrong passwords in a row: the default lockout threshold. */
async function failPasswordTenTimes(user: SeededUser, headers: Record<string, string> = {}) {
  for (let attempt = 0; attempt < 10; attempt++)
    await expectStatus(
      new HttpClient(server.url, headers).post('/api/auth/login', credentials(user, 'not my password')),
      401,
    );
}

const ROWS: readonly Row[] = [
  {
    item: 'login success',
    type: 'login.succeeded',
    action: 'POST /api/auth/login with the right password',
    act: async (as) => {
      const user = await newUser();
      await signIn(user, as);
      return bySelf(user);
    },
  },
  {
    item: 'login failure (with reason)',
    type: 'login.failed',
    action: 'POST /api/auth/login with a wrong password',
    act: async (as) => {
      const user = await newUser();
      await expectStatus(
        new HttpClient(server.url, as).post('/api/auth/login', credentials(user, 'not my password')),
        401,
      );
      return { outcome: 'failure', actor: null, target: party(user), details: { reason: 'wrong_password' } };
    },
  },
  {
    item: 'login failure (with reason)',
    type: 'login.failed',
    action: 'POST /api/auth/login with an unknown user name',
    act: async (as) => {
      await expectStatus(
        new HttpClient(server.url, as).post('/api/auth/login', credentials({ username: 'nobody' }, 'x')),
        401,
      );
      return {
        outcome: 'failure',
        actor: null,
        target: null,
        details: { reason: 'unknown_user', username: 'nobody' },
      };
    },
  },
  {
    item: '2FA success',
    type: 'two_factor.succeeded',
    action: 'POST /api/auth/two-factor with a fresh TOTP code',
    act: async (as) => {
      const { user, secret } = await twoFactorUser();
      const client = await atSecondFactor(user);
      const code = nextTotpCode(server.clock, secret);
      await expectStatus(client.post('/api/auth/two-factor', { code, rememberBrowser: false }, as), 200);
      return bySelf(user, { method: 'totp' });
    },
  },
  {
    item: '2FA failure',
    type: 'two_factor.failed',
    action: 'POST /api/auth/two-factor with a wrong code',
    act: async (as) => {
      const { user, secret } = await twoFactorUser();
      const client = await atSecondFactor(user);
      const right = nextTotpCode(server.clock, secret);
      const wrong = `${(Number(right[0]) + 5) % 10}${right.slice(1)}`;
      await expectStatus(
        client.post('/api/auth/two-factor', { code: wrong, rememberBrowser: false }, as),
        401,
      );
      return {
        outcome: 'failure',
        actor: party(user),
        target: party(user),
        details: { reason: 'invalid_code' },
      };
    },
  },
  {
    item: 'logout',
    type: 'logout',
    action: 'POST /api/auth/logout',
    act: async (as) => {
      const user = await newUser();
      await expectStatus((await signIn(user)).post('/api/auth/logout', undefined, as), 204);
      return bySelf(user);
    },
  },
  {
    item: 'timeout',
    type: 'session.expired',
    action: 'GET /api/me after 31 idle minutes',
    act: async (as) => {
      const user = await newUser();
      const client = await signIn(user);
      server.clock.advance(31 * MINUTE);
      await expectStatus(client.get('/api/me', as), 401);
      return { outcome: 'success', actor: null, target: party(user), details: { reason: 'idle_timeout' } };
    },
  },
  {
    item: 'timeout',
    type: 'session.expired',
    action: 'GET /api/me of a session in use for more than 12 hours',
    act: async (as) => {
      const user = await newUser();
      const client = await signIn(user);
      for (let step = 0; step < 36; step++) {
        server.clock.advance(20 * MINUTE);
        await expectStatus(client.get('/api/me'), 200);
      }
      server.clock.advance(1);
      await expectStatus(client.get('/api/me', as), 401);
      return {
        outcome: 'success',
        actor: null,
        target: party(user),
        details: { reason: 'absolute_timeout' },
      };
    },
  },
  {
    item: 'password change',
    type: 'password.changed',
    action: 'POST /api/me/password',
    act: async (as) => {
      const user = await newUser();
      await expectStatus((await signIn(user)).post('/api/me/password', changeBody(user.password), as), 200);
      return bySelf(user, { forced: false });
    },
  },
  {
    item: 'password change',
    type: 'password.changed',
    action: 'POST /api/me/password with a wrong current password',
    act: async (as) => {
      const user = await newUser();
      const body = changeBody('not my password');
      await expectStatus((await signIn(user)).post('/api/me/password', body, as), 400);
      return {
        outcome: 'failure',
        actor: party(user),
        target: party(user),
        details: { reason: 'invalid_current_password' },
      };
    },
  },
  {
    item: 'password change',
    type: 'password.changed',
    action: 'POST /api/auth/password-change after signing in with a temporary password',
    act: async (as) => {
      const { user, temporaryPassword } = await newStaffWithTemporaryPassword();
      const client = new HttpClient(server.url);
      await expectStatus(client.post('/api/auth/login', credentials(user, temporaryPassword)), 200);
      const body = { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
      await expectStatus(client.post('/api/auth/password-change', body, as), 200);
      return bySelf(user, { forced: true });
    },
  },
  {
    item: 'password reset',
    type: 'password.reset_requested',
    action: 'POST /api/auth/forgot-password',
    act: async (as) => {
      const user = await newUser();
      const body = { practiceCode: practice.code, username: user.username };
      await expectStatus(new HttpClient(server.url, as).post('/api/auth/forgot-password', body), 202);
      await server.app.backgroundWork.drain();
      return { outcome: 'success', actor: null, target: party(user) };
    },
  },
  {
    item: 'password reset',
    type: 'password.reset_completed',
    action: 'POST /api/auth/reset-password with the emailed token',
    act: async (as) => {
      const user = await newUser();
      const request = { practiceCode: practice.code, username: user.username };
      await expectStatus(new HttpClient(server.url).post('/api/auth/forgot-password', request), 202);
      await server.deliverMail();
      const token = resetTokenFor(server.outboxDir, emailOf(user));
      const body = { token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
      await expectStatus(new HttpClient(server.url, as).post('/api/auth/reset-password', body), 200);
      return bySelf(user);
    },
  },
  {
    item: 'password admin reset',
    type: 'password.admin_reset',
    action: 'POST /api/staff/:id/reset-password',
    act: async (as) => {
      const user = await newUser();
      await expectStatus(
        (await signIn(admin)).post(`/api/staff/${user.id}/reset-password`, undefined, as),
        200,
      );
      return byAdmin(user, { by: 'practice_admin' });
    },
  },
  {
    item: 'temporary password use',
    type: 'password.temporary_used',
    action: 'POST /api/auth/login with a temporary password',
    act: async (as) => {
      const { user, temporaryPassword } = await newStaffWithTemporaryPassword();
      const login = new HttpClient(server.url, as).post<{ next: string }>(
        '/api/auth/login',
        credentials(user, temporaryPassword),
      );
      expect((await login).body.next).toBe('password_change');
      return bySelf(user);
    },
  },
  {
    item: '2FA enrol',
    type: 'two_factor.enrolled',
    action: 'POST /api/me/two-factor/totp/setup and confirm',
    act: async (as) => {
      const user = await newUser();
      await enrolTotp(await signIn(user, as), user.password, server.clock);
      return bySelf(user, { method: 'totp' });
    },
  },
  {
    item: '2FA enrol',
    type: 'passkey.added',
    action: 'POST /api/me/passkeys with a verified registration',
    act: async (as) => {
      const { user, client } = await twoFactorUser();
      const id = await addPasskey(client, user.password, as);
      return bySelf(user, { passkey: id });
    },
  },
  {
    item: '2FA remove',
    type: 'two_factor.disabled',
    action: 'DELETE /api/me/two-factor',
    act: async (as) => {
      const { user, client } = await twoFactorUser();
      const body = { currentPassword: user.password };
      await expectStatus(client.request('DELETE', '/api/me/two-factor', body, as), 204);
      return bySelf(user);
    },
  },
  {
    item: '2FA remove',
    type: 'two_factor.removed_by_admin',
    action: 'DELETE /api/staff/:id/two-factor',
    act: async (as) => {
      const { user } = await twoFactorUser();
      const adminClient = await signIn(admin);
      await expectStatus(
        adminClient.request('DELETE', `/api/staff/${user.id}/two-factor`, undefined, as),
        204,
      );
      return byAdmin(user);
    },
  },
  {
    item: '2FA remove',
    type: 'passkey.removed',
    action: 'DELETE /api/me/passkeys/:id',
    act: async (as) => {
      const { user, client } = await twoFactorUser();
      const id = await addPasskey(client, user.password);
      await expectStatus(client.request('DELETE', `/api/me/passkeys/${id}`, undefined, as), 204);
      return bySelf(user, { passkey: id });
    },
  },
  {
    item: 'recovery code use',
    type: 'recovery_code.used',
    action: 'POST /api/auth/two-factor with a recovery code',
    act: async (as) => {
      const { user, recoveryCodes } = await twoFactorUser();
      const client = await atSecondFactor(user);
      const body = { code: recoveryCodes[0], rememberBrowser: false };
      await expectStatus(client.post('/api/auth/two-factor', body, as), 200);
      return bySelf(user, { remaining: 9 });
    },
  },
  {
    item: 'lock',
    type: 'account.locked',
    action: 'ten wrong passwords at POST /api/auth/login',
    act: async (as) => {
      const user = await newUser();
      await failPasswordTenTimes(user, as);
      return {
        outcome: 'success',
        actor: null,
        target: party(user),
        details: { failures: 10, lockNumber: 1, minutes: 15 },
      };
    },
  },
  {
    item: 'lock',
    type: 'account.locked',
    action: 'ten wrong codes at POST /api/auth/two-factor',
    act: async (as) => {
      const { user } = await twoFactorUser();
      const client = await atSecondFactor(user);
      for (let attempt = 0; attempt < 10; attempt++)
        await expectStatus(
          client.post('/api/auth/two-factor', { code: 'ABCD-EFGH-JKMN', rememberBrowser: false }, as),
          401,
        );
      return { outcome: 'success', actor: null, target: party(user), details: { failures: 10 } };
    },
  },
  {
    item: 'lock',
    type: 'account.locked',
    action: 'ten wrong current passwords at POST /api/me/password',
    act: async (as) => {
      const user = await newUser();
      const client = await signIn(user);
      const body = changeBody('not my password');
      for (let attempt = 0; attempt < 10; attempt++)
        await expectStatus(client.post('/api/me/password', body, as), 400);
      return { outcome: 'success', actor: null, target: party(user), details: { failures: 10 } };
    },
  },
  {
    item: 'unlock',
    type: 'account.unlocked',
    action: 'POST /api/staff/:id/unlock',
    act: async (as) => {
      const user = await newUser();
      await failPasswordTenTimes(user);
      await expectStatus((await signIn(admin)).post(`/api/staff/${user.id}/unlock`, undefined, as), 200);
      return byAdmin(user, { lockedUntil: expect.any(String) });
    },
  },
  {
    item: 'session revoke',
    type: 'session.revoked',
    action: 'DELETE /api/me/sessions/:id of another of the user’s browsers',
    act: async (as) => {
      const user = await newUser();
      const laptop = await signIn(user);
      await signIn(user);
      const sessions = await laptop.get<{ id: string; current: boolean }[]>('/api/me/sessions');
      const other = sessions.body.find((session) => !session.current);
      await expectStatus(laptop.request('DELETE', `/api/me/sessions/${other?.id}`, undefined, as), 204);
      return bySelf(user, { reason: 'signed_out_by_user', sessions: 1 });
    },
  },
  {
    item: 'session revoke',
    type: 'session.revoked',
    action: 'POST /api/staff/:id/sign-out',
    act: async (as) => {
      const user = await newUser();
      await signIn(user);
      await expectStatus((await signIn(admin)).post(`/api/staff/${user.id}/sign-out`, undefined, as), 200);
      return byAdmin(user, { reason: 'signed_out_everywhere', sessions: 1 });
    },
  },
  {
    item: 'user create',
    type: 'user.created',
    action: 'POST /api/staff',
    act: async (as) => {
      const username = `new${userCount++}`;
      const body = {
        username,
        firstName: 'Nia',
        lastName: 'New',
        email: `${username}@${practice.code.toLowerCase()}.test`,
        roles: ['clinician'],
      };
      const created = await (await signIn(admin)).post<{ user: EventParty }>('/api/staff', body, as);
      expect(created.status).toBe(201);
      return {
        outcome: 'success',
        actor: party(admin),
        target: { id: created.body.user.id, username },
        details: { roles: 'clinician' },
      };
    },
  },
  {
    item: 'user edit',
    type: 'user.updated',
    action: 'PATCH /api/staff/:id with a new first name',
    act: async (as) => {
      const user = await newUser();
      await patchStaff(user, { firstName: 'Renamed' }, as);
      return byAdmin(user, { changed: 'firstName' });
    },
  },
  {
    item: 'user edit',
    type: 'user.reactivated',
    action: 'PATCH /api/staff/:id status active',
    act: async (as) => {
      const user = await newUser();
      await patchStaff(user, { status: 'deactivated' });
      await patchStaff(user, { status: 'active' }, as);
      return byAdmin(user);
    },
  },
  {
    item: 'user deactivate',
    type: 'user.deactivated',
    action: 'PATCH /api/staff/:id status deactivated',
    act: async (as) => {
      const user = await newUser();
      await patchStaff(user, { status: 'deactivated' }, as);
      return byAdmin(user);
    },
  },
  {
    item: 'role change',
    type: 'user.roles_changed',
    action: 'PATCH /api/staff/:id with new roles',
    act: async (as) => {
      const user = await newUser();
      await patchStaff(user, { roles: ['clinician', 'biller'] }, as);
      return byAdmin(user, { from: 'clinician', to: 'clinician, biller' });
    },
  },
  {
    item: 'settings change',
    type: 'settings.changed',
    action: 'PUT /api/practice/security-settings',
    act: async (as) => {
      const adminClient = await signIn(admin);
      const settings = await adminClient.get<{ passwordPolicy: { historyCount: number } }>(
        '/api/practice/security-settings',
      );
      const changed = {
        ...settings.body,
        passwordPolicy: {
          ...settings.body.passwordPolicy,
          historyCount: settings.body.passwordPolicy.historyCount + 1,
        },
      };
      await expectStatus(adminClient.request('PUT', '/api/practice/security-settings', changed, as), 200);
      return {
        outcome: 'success',
        actor: party(admin),
        target: null,
        details: {
          changed: 'passwordPolicy.historyCount',
          'passwordPolicy.historyCount.from': settings.body.passwordPolicy.historyCount,
          'passwordPolicy.historyCount.to': settings.body.passwordPolicy.historyCount + 1,
        },
      };
    },
  },
  {
    item: "reads of another user's activity",
    type: 'activity.viewed',
    action: 'GET /api/staff/:id/activity',
    act: async (as) => {
      const user = await newUser();
      await expectStatus((await signIn(admin)).get(`/api/staff/${user.id}/activity`, as), 200);
      return byAdmin(user, { scope: 'user', format: 'page' });
    },
  },
  {
    item: "reads of another user's activity",
    type: 'activity.viewed',
    action: 'GET /api/activity by a Clinical Administrator',
    act: async (as) => {
      await expectStatus((await signIn(clinicalAdmin)).get('/api/activity', as), 200);
      return {
        outcome: 'success',
        actor: party(clinicalAdmin),
        target: null,
        details: { scope: 'practice', format: 'page' },
      };
    },
  },
  {
    item: "reads of another user's activity",
    type: 'activity.viewed',
    action: 'GET /api/activity/export.csv for one user',
    act: async (as) => {
      const user = await newUser();
      await expectStatus((await signIn(admin)).get(`/api/activity/export.csv?user=${user.id}`, as), 200);
      return byAdmin(user, { scope: 'practice', format: 'csv' });
    },
  },
];

/** The events of one type that carry this user agent, from a log page. */
async function eventsWith(reader: HttpClient, path: string, userAgent: string): Promise<Event[]> {
  const page = await reader.get<{ items: Event[] }>(path);
  expect(page.status, page.text).toBe(200);
  return page.body.items.filter((event) => event.userAgent === userAgent);
}

describe('every L1 event, produced by its action over HTTP', () => {
  ROWS.forEach((row, index) => {
    it(`${row.item}: ${row.type} — ${row.action}`, async () => {
      const as: As = {
        'user-agent': `gatehouse-l1/${index} (${row.type})`,
        'x-forwarded-for': `203.0.113.${index + 1}`,
      };
      const expected = await row.act(as);

      const reader = await signIn(auditor, { 'user-agent': 'gatehouse-l1 auditor' });
      const query = `type=${row.type}&limit=200`;
      const found = await eventsWith(reader, `/api/activity?${query}`, as['user-agent']);
      expect(found).toHaveLength(1);
      const [event] = found as [Event];
      expect(event).toMatchObject({
        type: row.type,
        outcome: expected.outcome,
        ip: as['x-forwarded-for'],
        userAgent: as['user-agent'],
        details: expected.details ?? {},
      });
      expect(event.actor).toEqual(expected.actor);
      expect(event.target).toEqual(expected.target);
      // A user's log is every event where they are actor or target: both logs show it.
      for (const person of [expected.actor, expected.target]) {
        if (!person) continue;
        const own = await eventsWith(reader, `/api/staff/${person.id}/activity?${query}`, as['user-agent']);
        expect(own.map((shown) => shown.id)).toEqual([event.id]);
      }
    });
  });
});

describe('the table above', () => {
  it('covers every L1 item and every event type that records one', () => {
    // L1 names 22 things; a change to the checklist should change this list and this number.
    expect(new Set(L1_ITEMS).size).toBe(22);
    expect(new Set(ROWS.map((row) => row.item))).toEqual(new Set(L1_ITEMS));
    expect(Object.keys(L1_ITEM_OF).sort()).toEqual([...EVENT_TYPES].sort());
    const rowTypes = new Set(ROWS.map((row) => row.type));
    for (const type of EVENT_TYPES) {
      const item = L1_ITEM_OF[type];
      if (typeof item === 'string') expect(rowTypes, `${type} records "${item}"`).toContain(type);
      else expect(rowTypes, `${type} is not an L1 item`).not.toContain(type);
    }
    for (const row of ROWS) expect(L1_ITEM_OF[row.type], row.action).toBe(row.item);
  });
});
