import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_SETTINGS, type SecuritySettings } from '../../src/domain/security-settings.js';
import { eventsOf } from '../support/events.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let admin: HttpClient;
let clinician: HttpClient;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer();
  const practice = await seedPractice(server.deps);
  const adminUser = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  const clinicianUser = await seedUser(server.deps, practice, { username: 'doc' });
  adminId = adminUser.id;
  admin = await signedInClient(server.url, practice.code, adminUser);
  clinician = await signedInClient(server.url, practice.code, clinicianUser);
});
afterAll(() => server.close());

describe('GET/PUT /api/practice/security-settings', () => {
  it('returns the default settings to a Practice Administrator', async () => {
    const response = await admin.get('/api/practice/security-settings');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(DEFAULT_SECURITY_SETTINGS);
  });

  it('takes the whole document back, records which fields changed, and keeps them', async () => {
    const next = {
      ...DEFAULT_SECURITY_SETTINGS,
      idleTimeoutMinutes: 15,
      passwordPolicy: { ...DEFAULT_SECURITY_SETTINGS.passwordPolicy, minLength: 14 },
    };
    const response = await admin.request('PUT', '/api/practice/security-settings', next);
    expect(response.status).toBe(200);
    expect((await admin.get('/api/practice/security-settings')).body).toEqual(next);
    const [event] = await eventsOf(server.deps.store, adminId);
    expect(event).toMatchObject({
      type: 'settings.changed',
      actor: { id: adminId },
      details: {
        changed: 'passwordPolicy.minLength, idleTimeoutMinutes',
        'passwordPolicy.minLength.from': 12,
        'passwordPolicy.minLength.to': 14,
        'idleTimeoutMinutes.from': 30,
        'idleTimeoutMinutes.to': 15,
      },
    });
    expect(Object.keys(event?.details ?? {})).toHaveLength(5);
  });

  it('records the old and new IP allow-list and time zone as text', async () => {
    const before = (await admin.get<SecuritySettings>('/api/practice/security-settings')).body;
    const entries = [{ name: 'Front desk', cidr: '203.0.113.0/24' }];
    const next = { ...before, timeZone: 'Europe/Berlin', ipAllowList: { enabled: false, entries } };
    expect((await admin.request('PUT', '/api/practice/security-settings', next)).status).toBe(200);
    const [event] = await eventsOf(server.deps.store, adminId);
    expect(event?.details).toEqual({
      changed: 'ipAllowList.entries, timeZone',
      'ipAllowList.entries.from': '[]',
      'ipAllowList.entries.to': JSON.stringify(entries),
      'timeZone.from': before.timeZone,
      'timeZone.to': 'Europe/Berlin',
    });
  });

  it('refuses out-of-range values, unknown fields, partial documents and bad time zones, changing nothing', async () => {
    const before = (await admin.get('/api/practice/security-settings')).body;
    const bad = [
      { ...DEFAULT_SECURITY_SETTINGS, idleTimeoutMinutes: 0 },
      { ...DEFAULT_SECURITY_SETTINGS, lockout: { threshold: 1000, minutes: 15 } },
      { ...DEFAULT_SECURITY_SETTINGS, extra: true },
      { requireTwoFactor: true },
      { ...DEFAULT_SECURITY_SETTINGS, timeZone: 'Mars/Olympus_Mons' },
      { ...DEFAULT_SECURITY_SETTINGS, idleTimeoutMinutes: '30' },
    ];
    for (const body of bad) {
      const response = await admin.request('PUT', '/api/practice/security-settings', body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect((await admin.get('/api/practice/security-settings')).body).toEqual(before);
  });

  it('is closed to other roles', async () => {
    expect((await clinician.get('/api/practice/security-settings')).status).toBe(403);
    expect(
      (await clinician.request('PUT', '/api/practice/security-settings', DEFAULT_SECURITY_SETTINGS)).status,
    ).toBe(403);
  });
});
