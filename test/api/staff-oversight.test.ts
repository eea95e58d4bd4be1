import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STAFF_FILTERS } from '../../src/domain/staff-filter.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
import {
  OVERSIGHT_COUNTS,
  OVERSIGHT_FILTERED,
  OVERSIGHT_LOCKOUTS,
  seedOversightPractice,
  type OversightPractice,
} from '../support/oversight-practice.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';

vi.setConfig({ testTimeout: 30_000 });

interface StaffListItem {
  id: string;
  username: string;
  status: string;
  lastLoginAt: string | null;
  twoFactorEnabled: boolean;
  lockedUntil: string | null;
  passwordMustChange: boolean;
  temporaryPasswordExpiresAt: string | null;
}
interface StaffList {
  items: StaffListItem[];
  timeZone: string;
}

let server: TestServer;
let seeded: OversightPractice;
let admin: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  seeded = await seedOversightPractice(server.deps);
  admin = await signedInClient(server.url, seeded.practice.code, seeded.admin);
});
afterAll(() => server.close());

const usernames = (list: StaffList) => list.items.map((item) => item.username);

describe('GET /api/staff: oversight fields, search, filters, sort', () => {
  it('gives each user last login, two-factor, lock, temporary password and the practice’s zone', async () => {
    const { status, body } = await admin.get<StaffList>('/api/staff');
    expect(status).toBe(200);
    expect(body.timeZone).toBe('America/New_York');
    const byName = Object.fromEntries(body.items.map((item) => [item.username, item]));
    const now = server.clock.now();
    expect(byName.bob).toMatchObject({ twoFactorEnabled: true, status: 'active' });
    expect(Date.parse(byName.bob?.lockedUntil ?? '')).toBe(now + 3_600_000);
    expect(byName.carol).toMatchObject({
      twoFactorEnabled: false,
      passwordMustChange: true,
      lastLoginAt: null,
    });
    expect(Date.parse(byName.carol?.temporaryPasswordExpiresAt ?? '')).toBe(now + 48 * 3_600_000);
    expect(byName.alice).toMatchObject({ lockedUntil: null, temporaryPasswordExpiresAt: null });
    expect(Date.parse(byName.alice?.lastLoginAt ?? '')).toBe(now - 86_400_000);
    expect(byName.erin?.status).toBe('deactivated');
  });

  it('lists by last name unless asked, and sorts by user name or last login either way', async () => {
    const byName = await admin.get<StaffList>('/api/staff');
    // Last names: Admin (admin), Aliceson, Bobson, Bossson, Carolson, Daveson, Erinson, Frankson.
    expect(usernames(byName.body)).toEqual([
      'admin',
      'alice',
      'bob',
      'boss',
      'carol',
      'dave',
      'erin',
      'frank',
    ]);
    const desc = await admin.get<StaffList>('/api/staff?sort=username&order=desc');
    expect(usernames(desc.body)).toEqual(['frank', 'erin', 'dave', 'carol', 'boss', 'bob', 'alice', 'admin']);
    const logins = await admin.get<StaffList>('/api/staff?sort=last_login&order=desc');
    // boss signed in just now, frank an hour ago; admin, carol and erin never (last, by name).
    expect(usernames(logins.body).slice(0, 2)).toEqual(['boss', 'frank']);
    expect(usernames(logins.body).slice(-3)).toEqual(['admin', 'carol', 'erin']);
  });

  it('searches names, user names and emails, in any case', async () => {
    expect(usernames((await admin.get<StaffList>('/api/staff?q=CAROL')).body)).toEqual(['carol']);
    expect(usernames((await admin.get<StaffList>('/api/staff?q=Daveson')).body)).toEqual(['dave']);
    const byEmail = await admin.get<StaffList>(
      `/api/staff?q=${encodeURIComponent(`erin@${seeded.practice.code}`)}`,
    );
    expect(usernames(byEmail.body)).toEqual(['erin']);
    expect((await admin.get<StaffList>('/api/staff?q=nobody-at-all')).body.items).toEqual([]);
  });

  it.each(STAFF_FILTERS)('filter=%s lists exactly the matching users', async (filter) => {
    const { status, body } = await admin.get<StaffList>(`/api/staff?filter=${filter}&sort=username`);
    expect(status).toBe(200);
    expect(usernames(body)).toEqual(OVERSIGHT_FILTERED[filter]);
  });

  it('combines a filter with a search', async () => {
    const { body } = await admin.get<StaffList>('/api/staff?filter=no_two_factor&q=car');
    expect(usernames(body)).toEqual(['carol']);
  });

  it('refuses an unknown filter, sort or parameter with 400', async () => {
    for (const query of ['filter=everyone', 'sort=password', 'order=up', 'limit=5']) {
      const response = await admin.get(`/api/staff?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });
});

describe('GET /api/practice/security-overview', () => {
  it('counts what each staff list filter lists', async () => {
    const { status, body } = await admin.get<{
      counts: Record<string, number>;
      lockouts: number;
      requireTwoFactorAffects: { username: string }[];
      windows: { passwordExpiryDays: number | null };
    }>('/api/practice/security-overview');
    expect(status).toBe(200);
    expect(body.counts).toEqual(OVERSIGHT_COUNTS);
    expect(body.lockouts).toBe(OVERSIGHT_LOCKOUTS);
    expect(body.windows.passwordExpiryDays).toBe(90);
    expect(body.requireTwoFactorAffects.map((user) => user.username)).toEqual(['admin', 'boss', 'carol']);
    for (const filter of STAFF_FILTERS) {
      const list = await admin.get<StaffList>(`/api/staff?filter=${filter}`);
      expect(list.body.items, filter).toHaveLength(body.counts[filter] ?? -1);
    }
  });

  it('moves with time: a lock ends, a lockout stops being recent', async () => {
    server.clock.advance(8 * 86_400_000);
    admin = await signedInClient(server.url, seeded.practice.code, seeded.admin);
    const { body } = await admin.get<{ counts: Record<string, number>; lockouts: number }>(
      '/api/practice/security-overview',
    );
    expect(body.counts).toMatchObject({ locked: 0, recent_lockout: 0, failed_sign_in_burst: 0 });
    expect(body.lockouts).toBe(0);
  });

  it('is for Practice Administrators of the practice only', async () => {
    const other = await seedPractice(server.deps);
    const clinician = await seedUser(server.deps, other, { username: 'clin' });
    const client = await signedInClient(server.url, other.code, clinician);
    expect((await client.get('/api/practice/security-overview')).status).toBe(403);
    const otherAdmin = await seedUser(server.deps, other, { username: 'boss2', roles: ['practice_admin'] });
    const otherClient = await signedInClient(server.url, other.code, otherAdmin);
    const { body } = await otherClient.get<{ counts: Record<string, number> }>(
      '/api/practice/security-overview',
    );
    // The other practice: its first admin, boss2 and clin; nobody of the seeded practice.
    expect(body.counts.active).toBe(3);
  });
});
