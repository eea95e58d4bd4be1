import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testDatabase,
  testDatabaseUrl,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

// Real argon2 on a shared two-core machine: each test hashes and verifies several times.
vi.setConfig({ testTimeout: 30_000 });

let server: TestServer;
let practice: TestPractice;
let otherPractice: TestPractice;
let admin: SeededUser;
let adminClient: HttpClient;
let clinician: SeededUser;

const TEMPORARY = /^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3,}$/;
const NEW_PASSWORD = 'violet tugboat lantern orchard';

interface StaffUser {
  id: string;
  username: string;
  roles: string[];
  status: string;
  passwordMustChange: boolean;
}

let store: Store;
/** The environment that points the CLI at this test's database. */
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-staff-'));
  const databaseUrl = testDatabase() === 'postgres' ? await testDatabaseUrl() : undefined;
  cliEnv = { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  store = openStore({ dataDir, databaseUrl });
  await migrateToLatest(store);
  server = await startTestServer({ store });
  practice = await seedPractice(server.deps);
  otherPractice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  clinician = await seedUser(server.deps, practice, { username: 'clin' });
  adminClient = await signedInClient(server.url, practice.code, admin);
});
afterAll(async () => {
  await server.close();
  await store.close();
});

function loginAs(code: string, username: string, password: string, client = new HttpClient(server.url)) {
  return client.post<{ next: string }>('/api/auth/login', { practiceCode: code, username, password });
}

async function createUser(username: string, roles: string[] = ['clinician']) {
  return adminClient.post<{ user: StaffUser; temporaryPassword: string; expiresAt: string }>('/api/staff', {
    username,
    firstName: 'Nora',
    lastName: 'Newcomer',
    email: `${username}@example.test`,
    roles,
  });
}

describe('staff scope', () => {
  it('answers 404 to anyone but a Practice Administrator', async () => {
    const browser = await signedInClient(server.url, practice.code, clinician);
    for (const response of [
      await browser.get('/api/staff'),
      await browser.get(`/api/staff/${admin.id}`),
      await browser.post(`/api/staff/${admin.id}/reset-password`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await new HttpClient(server.url).get('/api/staff')).status).toBe(401);
  });

  it('answers 404 for an id of another practice, and changes nothing there', async () => {
    const id = otherPractice.adminId;
    expect((await adminClient.get(`/api/staff/${id}`)).status).toBe(404);
    expect((await adminClient.request('PATCH', `/api/staff/${id}`, { firstName: 'Evil' })).status).toBe(404);
    expect((await adminClient.post(`/api/staff/${id}/reset-password`)).status).toBe(404);
    const login = await loginAs(otherPractice.code, 'admin', otherPractice.temporaryPassword);
    expect(login.body).toEqual({ next: 'password_change' });
  });
});

describe('New User (POST /api/staff)', () => {
  it('creates a user with a temporary password shown once, who must change it at first sign-in', async () => {
    const response = await createUser('Nora.N', ['clinician', 'scheduler']);
    expect(response.status).toBe(201);
    const { user, temporaryPassword, expiresAt } = response.body;
    expect(user).toMatchObject({ username: 'Nora.N', roles: ['clinician', 'scheduler'], status: 'active' });
    expect(user.passwordMustChange).toBe(true);
    expect(temporaryPassword).toMatch(TEMPORARY);
    expect(temporaryPassword).not.toMatch(/[0O1lI]/);
    expect(Date.parse(expiresAt) - server.clock.now()).toBe(72 * 3_600_000);

    const browser = new HttpClient(server.url);
    expect((await loginAs(practice.code, 'nora.n', temporaryPassword, browser)).body).toEqual({
      next: 'password_change',
    });
    const changed = await browser.post('/api/auth/password-change', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(changed.body).toEqual({ next: 'signed_in' });
    const [created] = (await eventsOf(server.deps.store, user.id)).filter((e) => e.type === 'user.created');
    expect(created).toMatchObject({ actor: { id: admin.id }, target: { id: user.id } });
    expect(JSON.stringify(created)).not.toContain(temporaryPassword);
  });

  it('refuses a user name already taken (any case) with 409, and bad input with 400', async () => {
    expect((await createUser('dupe')).status).toBe(201);
    const again = await createUser('DUPE');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'conflict' } });
    const badRole = await createUser('x1', ['emperor']);
    expect(badRole.status).toBe(400);
    const noRoles = await createUser('x2', []);
    expect(noRoles.status).toBe(400);
    const badEmail = await adminClient.post('/api/staff', {
      username: 'x3',
      firstName: 'A',
      lastName: 'B',
      email: 'not-an-email',
      roles: ['biller'],
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('refuses a look-alike of a practice user name (409) or a mixed-script one (400)', async () => {
    for (const name of ['alice', 'adam', 'bob', 'coco']) expect((await createUser(name)).status).toBe(201);
    // Cyrillic а, Greek α: letters of two scripts.
    for (const name of ['аlice', 'аdmin', 'adαm']) {
      const mixed = await createUser(name);
      expect(mixed.status, name).toBe(400);
      expect(mixed.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
    // One script each, but the same skeleton as a name in the practice: dotless ı, digit 0, all-Cyrillic.
    for (const [name, lookalike] of [
      ['alıce', 'alice'],
      ['B0B', 'bob'],
      ['сосо', 'coco'],
    ]) {
      const refused = await createUser(name ?? '');
      expect(refused.status, name).toBe(409);
      expect(refused.body).toMatchObject({
        error: { code: 'conflict', message: expect.stringContaining(`“${lookalike}”`) },
      });
    }
  });

  it('accepts user names of one script, and compares only within the practice', async () => {
    for (const name of ['José', 'jose', 'Zoë', '王小明', 'Алексей'])
      expect((await createUser(name)).status, name).toBe(201);
    // alıce is refused beside alice in the first practice, not in another one.
    const elsewhere = await seedUser(server.deps, otherPractice, {
      username: 'otheradmin',
      roles: ['practice_admin'],
    });
    const otherClient = await signedInClient(server.url, otherPractice.code, elsewhere);
    const there = await otherClient.post('/api/staff', {
      username: 'alıce',
      firstName: 'Alice',
      lastName: 'Other',
      email: 'alice@other.test',
      roles: ['clinician'],
    });
    expect(there.status).toBe(201);
  });

  it('sets the Supervisor flag when asked', async () => {
    const response = await adminClient.post<{ user: { supervisor: boolean } }>('/api/staff', {
      username: 'super',
      firstName: 'Sue',
      lastName: 'Pervisor',
      email: 'sue@example.test',
      roles: ['clinician'],
      supervisor: true,
    });
    expect(response.status).toBe(201);
    expect(response.body.user.supervisor).toBe(true);
  });

  it('lists the practice’s staff only', async () => {
    const response = await adminClient.get<{ items: StaffUser[] }>('/api/staff');
    expect(response.status).toBe(200);
    const names = response.body.items.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(['admin', 'boss', 'clin', 'Nora.N']));
    expect(response.body.items.every((u) => !JSON.stringify(u).includes('argon2'))).toBe(true);
    expect(names).toHaveLength(new Set(names).size);
  });
});

describe('PATCH /api/staff/:id', () => {
  it('edits names and roles and records user.updated and user.roles_changed', async () => {
    const { body } = await createUser('edited');
    const response = await adminClient.request<StaffUser>('PATCH', `/api/staff/${body.user.id}`, {
      lastName: 'Renamed',
      roles: ['biller'],
      supervisor: true,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ roles: ['biller'], supervisor: true, lastName: 'Renamed' });
    const events = await eventsOf(server.deps.store, body.user.id);
    expect(events.find((e) => e.type === 'user.updated')?.details).toEqual({ changed: 'lastName' });
    expect(events.find((e) => e.type === 'user.roles_changed')?.details).toEqual({
      from: 'clinician',
      to: 'biller, supervisor',
    });
  });

  it('sets the fhirUser URL apps receive: https, or http on loopback only; null clears it', async () => {
    const { body } = await createUser('fhir');
    const path = `/api/staff/${body.user.id}`;
    expect((await adminClient.get(path)).body).toMatchObject({ fhirUser: null });
    const url = 'https://fhir.example.com/Practitioner/7';
    const set = await adminClient.request('PATCH', path, { fhirUser: url });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ fhirUser: url });
    expect((await adminClient.get(path)).body).toMatchObject({ fhirUser: url });
    for (const bad of ['http://fhir.example.com/Practitioner/7', 'Practitioner/7', 'https://x.test/a#b']) {
      const refused = await adminClient.request<{ error: { code: string } }>('PATCH', path, {
        fhirUser: bad,
      });
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
    const loopback = await adminClient.request('PATCH', path, {
      fhirUser: 'http://127.0.0.1:8080/Practitioner/7',
    });
    expect(loopback.status).toBe(200);
    const cleared = await adminClient.request('PATCH', path, { fhirUser: null });
    expect(cleared.body).toMatchObject({ fhirUser: null });
    const events = await eventsOf(server.deps.store, body.user.id);
    expect(events.filter((e) => e.type === 'user.updated').map((e) => e.details)).toEqual([
      { changed: 'fhirUser' },
      { changed: 'fhirUser' },
      { changed: 'fhirUser' },
    ]);
  });

  it('deactivation ends every session and refuses sign-in; reactivation allows it again', async () => {
    const user = await seedUser(server.deps, practice, { username: 'leaver' });
    const browser = await signedInClient(server.url, practice.code, user);
    const deactivate = await adminClient.request('PATCH', `/api/staff/${user.id}`, { status: 'deactivated' });
    expect(deactivate.status).toBe(200);
    expect((await browser.get('/api/me')).status).toBe(401);
    expect((await loginAs(practice.code, user.username, user.password)).status).toBe(401);
    const reactivate = await adminClient.request('PATCH', `/api/staff/${user.id}`, { status: 'active' });
    expect(reactivate.body).toMatchObject({ status: 'active' });
    expect((await loginAs(practice.code, user.username, user.password)).status).toBe(200);
    const types = (await eventsOf(server.deps.store, user.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['user.deactivated', 'session.revoked', 'user.reactivated']),
    );
  });

  it('refuses to deactivate or demote the administrator’s own account', async () => {
    const self = await adminClient.request('PATCH', `/api/staff/${admin.id}`, { status: 'deactivated' });
    expect(self.status).toBe(409);
    const demote = await adminClient.request('PATCH', `/api/staff/${admin.id}`, { roles: ['clinician'] });
    expect(demote.status).toBe(409);
    expect((await adminClient.get('/api/me')).status).toBe(200);
    const empty = await adminClient.request('PATCH', `/api/staff/${admin.id}`, {});
    expect(empty.status).toBe(400);
  });
});

describe('Reset Password (POST /api/staff/:id/reset-password)', () => {
  it('shows a temporary password once, ends every session, and forces a change at sign-in', async () => {
    const user = await seedUser(server.deps, practice, { username: 'forgetful' });
    const sessions = [
      await signedInClient(server.url, practice.code, user),
      await signedInClient(server.url, practice.code, user),
    ];
    const response = await adminClient.post<{ temporaryPassword: string; expiresAt: string }>(
      `/api/staff/${user.id}/reset-password`,
    );
    expect(response.status).toBe(200);
    const { temporaryPassword } = response.body;
    expect(temporaryPassword).toMatch(TEMPORARY);
    for (const session of sessions) expect((await session.get('/api/me')).status).toBe(401);
    const remaining = await server.deps.store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(remaining).toEqual([]);
    expect((await loginAs(practice.code, user.username, user.password)).status).toBe(401);
    expect((await loginAs(practice.code, user.username, temporaryPassword)).body).toEqual({
      next: 'password_change',
    });

    const events = await eventsOf(server.deps.store, user.id);
    const reset = events.find((e) => e.type === 'password.admin_reset');
    expect(reset).toMatchObject({ actor: { id: admin.id, username: 'boss' }, target: { id: user.id } });
    expect(events.map((e) => e.type)).toContain('password.temporary_used');
    expect(JSON.stringify(events)).not.toContain(temporaryPassword);
  });

  it('a temporary password stops working after 72 hours', async () => {
    const user = await seedUser(server.deps, practice, { username: 'slowpoke' });
    const { body } = await adminClient.post<{ temporaryPassword: string }>(
      `/api/staff/${user.id}/reset-password`,
    );
    server.clock.advance(72 * 3_600_000 + 1);
    const response = await loginAs(practice.code, user.username, body.temporaryPassword);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'invalid_credentials' } });
    adminClient = await signedInClient(server.url, practice.code, admin);
  });

  it('is also offered by the CLI (actor = cli), with the same effects', async () => {
    const user = await seedUser(server.deps, practice, { username: 'cliuser' });
    const browser = await signedInClient(server.url, practice.code, user);
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: cliEnv };
    const args = ['user', 'reset-password', '--practice', practice.code, '--username', 'CLIUSER', '--json'];
    expect(await main(args, io)).toBe(0);
    const printed = JSON.parse(out.join('')) as { temporaryPassword: string; user: { id: string } };
    expect(printed.user.id).toBe(user.id);
    expect(printed.temporaryPassword).toMatch(TEMPORARY);
    expect((await browser.get('/api/me')).status).toBe(401);
    expect((await loginAs(practice.code, user.username, printed.temporaryPassword)).body).toEqual({
      next: 'password_change',
    });
    const reset = (await eventsOf(server.deps.store, user.id)).find((e) => e.type === 'password.admin_reset');
    expect(reset).toMatchObject({ actor: null, details: { by: 'cli' } });

    expect(
      await main(['user', 'reset-password', '--practice', practice.code, '--username', 'nobody'], io),
    ).toBe(1);
    expect(err.join('')).toContain('No user "nobody"');
  });
});
