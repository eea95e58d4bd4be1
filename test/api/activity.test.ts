import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/domain/csv-cell.js';
import { audit } from '../../src/services/activity/audit.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** Security & Activity, the activity log and its filters, paging and CSV export (docs/architecture.md "Activity log and export"). */
interface Event {
  id: string;
  at: string;
  type: string;
  outcome: string;
  actor: { id: string; username: string } | null;
  target: { id: string; username: string } | null;
  ip: string;
  browser: string;
  userAgent: string;
  details: Record<string, unknown>;
  name: string;
  localTime: string;
  summary: string;
}
interface Page {
  items: Event[];
  nextCursor: string | null;
  totals?: { events: number; failures: number; capped: boolean };
}

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

let server: TestServer;
/** A second instance on the same database that believes x-forwarded-for (TRUST_PROXY). */
let proxied: TestServer;
let practice: TestPractice;
let admin: SeededUser;
let clinician: SeededUser;
let clinicalAdmin: SeededUser;
let adminClient: HttpClient;
let other: TestPractice;
let otherAdmin: SeededUser;

beforeAll(async () => {
  const clock = testClock(Date.UTC(2026, 10, 28, 13, 1, 2, 345));
  server = await startTestServer({ clock });
  proxied = await startTestServer({ clock, store: server.deps.store, trustProxy: 1 });
  practice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  clinician = await seedUser(server.deps, practice, { username: 'carol' });
  clinicalAdmin = await seedUser(server.deps, practice, { username: 'clara', roles: ['clinical_admin'] });
  other = await seedPractice(server.deps, 'O');
  otherAdmin = await seedUser(server.deps, other, { username: 'boss', roles: ['practice_admin'] });
  adminClient = await signedInClient(server.url, practice.code, admin);
});
afterAll(async () => {
  await proxied.close();
  await server.close();
});

const login = (base: string, user: SeededUser, headers: Record<string, string> = {}, password?: string) =>
  new HttpClient(base, headers).post('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password: password ?? user.password,
  });

/** Every page of a log, following nextCursor. */
async function allPages(client: HttpClient, path: string, between?: () => Promise<void>): Promise<Event[]> {
  const items: Event[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const response: { status: number; body: Page } = await client.get<Page>(
      cursor ? `${path}${sep}cursor=${cursor}` : path,
    );
    expect(response.status).toBe(200);
    items.push(...response.body.items);
    cursor = response.body.nextCursor;
    if (between) await between();
  } while (cursor);
  return items;
}

describe('Security & Activity', () => {
  it('shows the admin exactly the time, IP and browser of a sign-in, believing x-forwarded-for only under TRUST_PROXY', async () => {
    expect(
      (
        await login(proxied.url, clinician, {
          'user-agent': CHROME_WINDOWS,
          'x-forwarded-for': '203.0.113.9',
        })
      ).status,
    ).toBe(200);
    const security = await adminClient.get<Record<string, unknown>>(`/api/staff/${clinician.id}/security`);
    expect(security.status).toBe(200);
    expect(security.body).toMatchObject({
      lastLogin: { at: '2026-11-28T13:01:02.345Z', ip: '203.0.113.9', browser: 'Chrome 142 on Windows 10' },
      twoFactor: { enabled: false, recoveryCodesRemaining: 0 },
      locked: null,
      temporaryPassword: null,
      timeZone: expect.any(String),
      user: { id: clinician.id, username: 'carol' },
    });
    expect(security.body.passwordChangedAt).toBe('2026-11-28T13:01:02.345Z');
    expect(JSON.stringify(security.body)).not.toMatch(/hash|argon/);

    server.clock.advance(60_000);
    await login(server.url, clinician, { 'user-agent': SAFARI_MAC, 'x-forwarded-for': '198.51.100.1' });
    type Login = { at: string; ip: string; browser: string };
    const again = await adminClient.get<{ lastLogin: Login; previousLogin: Login | null }>(
      `/api/staff/${clinician.id}/security`,
    );
    expect(again.body.lastLogin).toEqual({
      at: '2026-11-28T13:02:02.345Z',
      ip: '127.0.0.1',
      browser: 'Safari 17.5 on macOS',
    });
    // The one before it too: on one's own page the last login is the current sign-in.
    expect(again.body.previousLogin).toEqual({
      at: '2026-11-28T13:01:02.345Z',
      ip: '203.0.113.9',
      browser: 'Chrome 142 on Windows 10',
    });

    // A reset leaves a temporary password pending until it expires, and says when it has.
    const pending = await seedUser(server.deps, practice, { username: 'pending' });
    const reset = await adminClient.post<{ expiresAt: string }>(
      `/api/staff/${pending.id}/reset-password`,
      {},
    );
    expect(reset.status).toBe(200);
    const summaryOf = async () =>
      (await adminClient.get<{ temporaryPassword: unknown }>(`/api/staff/${pending.id}/security`)).body
        .temporaryPassword;
    expect(await summaryOf()).toEqual({ expiresAt: reset.body.expiresAt, expired: false });
    const past = server.clock.now() - 1;
    await server.deps.store.db
      .updateTable('users')
      .set({ temporary_password_expires_at: past })
      .where('id', '=', pending.id)
      .execute();
    expect(await summaryOf()).toEqual({ expiresAt: new Date(past).toISOString(), expired: true });
  });

  it('gives every user their own summary, and shows a lock to the admin', async () => {
    const own = await (
      await signedInClient(server.url, practice.code, clinician)
    ).get<{
      lastLogin: { ip: string };
      activeSessions: number;
    }>('/api/me/security');
    expect(own.status).toBe(200);
    expect(own.body.lastLogin.ip).toBe('127.0.0.1');
    expect(own.body.activeSessions).toBeGreaterThanOrEqual(3);
    expect(own.body).not.toHaveProperty('locked');

    const until = server.clock.now() + 15 * 60_000;
    await server.deps.store.db
      .updateTable('users')
      .set({ locked_until: until })
      .where('id', '=', clinicalAdmin.id)
      .execute();
    const locked = await adminClient.get<{ locked: unknown; lastLogin: unknown }>(
      `/api/staff/${clinicalAdmin.id}/security`,
    );
    expect(locked.body).toMatchObject({ locked: { until: new Date(until).toISOString() }, lastLogin: null });
    await server.deps.store.db
      .updateTable('users')
      .set({ locked_until: null })
      .where('id', '=', clinicalAdmin.id)
      .execute();
  });

  it('is 404 for non-admins and for users of another practice', async () => {
    const asClinician = await signedInClient(server.url, practice.code, clinician);
    for (const path of ['security', 'activity', 'sessions'])
      expect((await asClinician.get(`/api/staff/${admin.id}/${path}`)).status).toBe(404);
    expect((await asClinician.post(`/api/staff/${admin.id}/sign-out`)).status).toBe(404);
    for (const path of ['security', 'activity', 'sessions'])
      expect((await adminClient.get(`/api/staff/${otherAdmin.id}/${path}`)).status).toBe(404);
    expect((await adminClient.post(`/api/staff/${otherAdmin.id}/sign-out`)).status).toBe(404);
  });
});

describe('activity log events', () => {
  it('records each event type with actor, target, IP, user agent and outcome, and shows them to the admin', async () => {
    const ua = { 'user-agent': CHROME_WINDOWS };
    const user = await seedUser(server.deps, practice, { username: 'eve' });
    // login.failed, login.succeeded, logout
    expect((await login(server.url, user, ua, 'wrong password')).status).toBe(401);
    const browser = await signedInClient(server.url, practice.code, user, ua);
    expect((await browser.post('/api/auth/logout')).status).toBe(204);
    // session.expired (idle timeout, on the server)
    const idle = await signedInClient(server.url, practice.code, user, ua);
    server.clock.advance(31 * 60_000);
    expect((await idle.get('/api/me')).status).toBe(401);
    // session.revoked by the admin; activity.viewed by the admin
    await signedInClient(server.url, practice.code, user, ua);
    adminClient = await signedInClient(server.url, practice.code, admin);
    expect((await adminClient.post<{ ended: number }>(`/api/staff/${user.id}/sign-out`)).body).toEqual({
      ended: 1,
    });
    // settings.changed
    const settings = await adminClient.get<{ idleTimeoutMinutes: number }>('/api/practice/security-settings');
    const put = await adminClient.request('PUT', '/api/practice/security-settings', {
      ...settings.body,
      idleTimeoutMinutes: 45,
    });
    expect(put.status).toBe(200);

    const userLog = await adminClient.get<Page>(`/api/staff/${user.id}/activity`);
    expect(userLog.status).toBe(200);
    const byType = (type: string) => userLog.body.items.find((event) => event.type === type);
    const party = { id: user.id, username: 'eve' };
    const adminParty = { id: admin.id, username: 'boss' };
    const common = { ip: '127.0.0.1', userAgent: CHROME_WINDOWS, browser: 'Chrome 142 on Windows 10' };
    expect(byType('login.failed')).toMatchObject({
      outcome: 'failure',
      actor: null,
      target: party,
      details: { reason: 'wrong_password' },
      ...common,
    });
    expect(byType('login.succeeded')).toMatchObject({
      outcome: 'success',
      actor: party,
      target: party,
      ...common,
    });
    expect(byType('logout')).toMatchObject({ outcome: 'success', actor: party, target: party, ...common });
    expect(byType('session.expired')).toMatchObject({
      actor: null,
      target: party,
      details: { reason: 'idle_timeout' },
      ...common,
    });
    expect(byType('session.revoked')).toMatchObject({
      actor: adminParty,
      target: party,
      details: { reason: 'signed_out_everywhere', sessions: 1 },
      ip: '127.0.0.1',
    });
    // Reading another user's log is itself recorded, and shows in that user's log.
    expect(byType('activity.viewed')).toMatchObject({
      actor: adminParty,
      target: party,
      details: { scope: 'user' },
    });
    for (const event of userLog.body.items)
      expect(event.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const practiceLog = await adminClient.get<Page>('/api/activity?type=settings.changed&limit=1');
    expect(practiceLog.body.items[0]).toMatchObject({
      type: 'settings.changed',
      actor: adminParty,
      target: null,
      details: { changed: expect.stringContaining('idleTimeoutMinutes') },
    });
    // Reading one's own log records nothing.
    const own = await browserOf(user).then((c) => c.get<Page>('/api/me/activity?limit=2'));
    expect(own.body.items.map((event) => event.type)).not.toContain('activity.viewed');
    expect(own.body.items.map((event) => event.type)).toContain('login.succeeded');
  });

  it('keeps events out of reach of other roles and other practices', async () => {
    const asClinician = await signedInClient(server.url, practice.code, clinician);
    expect((await asClinician.get('/api/activity')).status).toBe(403);
    expect((await asClinician.get('/api/activity/export.csv')).status).toBe(403);
    expect((await asClinician.get('/api/activity/integrity')).status).toBe(403);
    const asClinicalAdmin = await signedInClient(server.url, practice.code, clinicalAdmin);
    expect((await asClinicalAdmin.get('/api/activity')).status).toBe(200);
    expect((await asClinicalAdmin.get('/api/activity/integrity')).status).toBe(403);

    const otherClient = await signedInClient(server.url, other.code, otherAdmin);
    const otherLog = await allPages(otherClient, '/api/activity?limit=200');
    expect(otherLog.length).toBeGreaterThan(0);
    const ours = new Set([admin.id, clinician.id, clinicalAdmin.id]);
    for (const event of otherLog) {
      expect(ours.has(event.actor?.id ?? '')).toBe(false);
      expect(ours.has(event.target?.id ?? '')).toBe(false);
    }
    expect((await otherClient.get(`/api/activity?user=${clinician.id}`)).status).toBe(404);
    expect((await otherClient.get(`/api/activity/export.csv?user=${clinician.id}`)).status).toBe(404);
  });
});

async function browserOf(user: SeededUser): Promise<HttpClient> {
  return signedInClient(server.url, practice.code, user);
}

describe('filters and paging', () => {
  it('returns exactly the matching events, newest first, with no duplicate or gap across pages while new events arrive', async () => {
    const { store } = server.deps;
    const paged = await seedUser(server.deps, practice, { username: 'pat' });
    const origin = { ip: '10.1.2.3', userAgent: 'bench' };
    const write = (n: number, type: 'logout' | 'login.failed', target: SeededUser | null) =>
      store.transaction(async (trx) => {
        for (let i = 0; i < n; i++) {
          server.clock.advance(1000);
          await audit(trx, {
            practiceId: practice.practiceId,
            type,
            outcome: type === 'logout' ? 'success' : 'failure',
            actor: null,
            target: target && { id: target.id, username: target.username },
            origin,
            at: server.clock.now(),
          });
        }
      });
    const startedAt = server.clock.now();
    await write(23, 'logout', paged);
    await write(17, 'login.failed', paged);
    await write(9, 'login.failed', null);
    const midAt = server.clock.now();
    await write(11, 'logout', paged);

    const rows = await store.db
      .selectFrom('audit_events')
      .select(['id', 'seq', 'type', 'outcome', 'actor_id', 'target_id', 'at'])
      .where('chain_id', '=', practice.practiceId)
      .orderBy('seq', 'desc')
      .execute();
    const expected = (keep: (row: (typeof rows)[number]) => boolean) =>
      rows.filter(keep).map((row) => row.id);
    const arriving = () => write(2, 'logout', paged);

    // Opening another user's log records activity.viewed first; the rest must match the rows exactly.
    const ids = async (path: string) =>
      (await allPages(adminClient, path, arriving))
        .filter((event) => event.type !== 'activity.viewed')
        .map((event) => event.id);
    expect(await ids(`/api/staff/${paged.id}/activity?limit=7`)).toEqual(
      expected((row) => row.target_id === paged.id || row.actor_id === paged.id),
    );
    expect(await ids(`/api/activity?user=${paged.id}&type=login.failed&limit=5`)).toEqual(
      expected((row) => row.target_id === paged.id && row.type === 'login.failed'),
    );
    expect(await ids('/api/activity?type=sign_in&outcome=failure&limit=6')).toEqual(
      expected(
        (row) =>
          ['login.failed', 'login.succeeded', 'logout', 'password.temporary_used'].includes(row.type) &&
          row.outcome === 'failure',
      ),
    );
    const from = new Date(startedAt + 1).toISOString();
    const to = new Date(midAt).toISOString();
    expect(await ids(`/api/activity?from=${from}&to=${to}&limit=8`)).toEqual(
      expected((row) => Number(row.at) >= startedAt + 1 && Number(row.at) <= midAt),
    );
    const all = await ids('/api/activity?limit=200');
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(rows.length);
  });

  it('refuses bad filters with 400 invalid_request', async () => {
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=ten',
      'cursor=%21%21',
      'type=nonsense',
      'outcome=maybe',
      'from=yesterday',
      'to=2026-02-30',
      'unknown=1',
      'type=%00',
      'views=none',
    ]) {
      const response = await adminClient.get<{ error: { code: string } }>(`/api/activity?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
    expect((await adminClient.get('/api/activity?limit=200')).status).toBe(200);
  });

  it('records each view of the log but leaves views out when asked (views=hide), and describes events in words', async () => {
    type Page = {
      items: { type: string; name: string; localTime: string; summary: string; at: string }[];
    };
    const shown = await adminClient.get<Page>(`/api/activity?user=${clinician.id}`);
    const hidden = await adminClient.get<Page>(`/api/activity?user=${clinician.id}&views=hide`);
    expect(shown.status).toBe(200);
    expect(hidden.status).toBe(200);
    const types = (page: Page) => page.items.map((item) => item.type);
    expect(types(shown.body)).toContain('activity.viewed');
    expect(types(hidden.body)).not.toContain('activity.viewed');
    expect(types(hidden.body)).toEqual(types(shown.body).filter((type) => type !== 'activity.viewed'));
    // The hidden request's own view was recorded all the same.
    const after = await adminClient.get<Page>(`/api/activity?user=${clinician.id}&type=activity.viewed`);
    expect(after.body.items.length).toBeGreaterThanOrEqual(
      types(shown.body).filter((type) => type === 'activity.viewed').length + 2,
    );
    const view = after.body.items[0];
    expect(view?.name).toBe('Activity log viewed');
    expect(view?.summary).toBe('Opened the practice’s activity log');
    // DEFAULT_SECURITY_SETTINGS' zone, America/New_York: EST or EDT shown, never an ISO time.
    expect(view?.localTime).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T$/);
  });

  it('searches the whole log, not one page, and totals every page when asked', async () => {
    const record = (type: 'login.failed' | 'account.locked' | 'logout', userAgent: string, details = {}) =>
      server.deps.store.transaction((trx) =>
        audit(trx, {
          practiceId: practice.practiceId,
          type,
          outcome: type === 'login.failed' ? 'failure' : 'success',
          actor: null,
          target: clinician,
          origin: { ip: '192.0.2.55', userAgent },
          at: server.clock.now(),
          details,
        }),
      );
    await record('login.failed', 'Zebra/1.0', { reason: 'wrong_password' });
    await record('account.locked', 'Zebra/1.0');
    await record('logout', 'Zebra/2.0 100%');
    await record('logout', 'Okapi/1.0');
    const search = (path: string) => adminClient.get<Page>(path);
    const types = (page: Page) => page.items.map((item) => item.type);
    // Three events hold "zebra" (any case); a page of 2 shows two, the totals count all three.
    const first = await search('/api/activity?q=ZEBRA&totals=show&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((event) => event.type)).toEqual(['logout', 'account.locked']);
    expect(first.body.totals).toEqual({ events: 3, failures: 1, capped: false });
    const second = await search(`/api/activity?q=zebra&totals=show&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((event) => event.type)).toEqual(['login.failed']);
    expect(second.body.nextCursor).toBeNull();
    // Every word must match: by event name ("locked"), outcome ("failed"), IP, user name, details.
    expect(types((await search('/api/activity?q=zebra+locked')).body)).toEqual(['account.locked']);
    expect(types((await search('/api/activity?q=zebra+failed')).body)).toEqual(['login.failed']);
    expect(types((await search('/api/activity?q=zebra+wrong_password')).body)).toEqual(['login.failed']);
    expect((await search('/api/activity?q=192.0.2.55+carol&totals=show')).body.totals?.events).toBe(4);
    // LIKE's wildcards are text: "%" finds only the user agent that holds one.
    expect(types((await search('/api/activity?q=%25')).body)).toEqual(['logout']);
    expect(types((await search('/api/activity?q=zebra_')).body)).toEqual([]);
    // One user's log searches the same way; the search narrows the CSV too.
    const staff = await search(`/api/staff/${clinician.id}/activity?q=okapi&totals=show`);
    expect(staff.body.totals).toEqual({ events: 1, failures: 0, capped: false });
    const csv = await adminClient.get('/api/activity/export.csv?q=zebra');
    expect(csv.text.split('\r\n').slice(1, -1)).toHaveLength(3);
    // Without totals=show nothing is counted.
    expect((await search('/api/activity?q=zebra')).body.totals).toBeUndefined();
    const tooMany = await search('/api/activity?q=a+b+c+d+e+f+g');
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('invalid_request');
  });

  it('offers the grouped list of event types', async () => {
    const response = await adminClient.get<{
      groups: { key: string; types: { type: string; label: string }[] }[];
    }>('/api/activity/types');
    expect(response.status).toBe(200);
    const signIn = response.body.groups.find((group) => group.key === 'sign_in');
    expect(signIn?.types).toContainEqual({ type: 'login.failed', label: 'Login failed' });
  });
});

describe('CSV export', () => {
  it('streams the filtered log with a header row, neutralising formulas and control characters', async () => {
    await new HttpClient(server.url, { 'user-agent': '@SUM(1+1)' }).post('/api/auth/login', {
      practiceCode: practice.code,
      username: '=HYPERLINK("http://evil.test")',
      password: 'whatever it is',
    });
    // A value with line breaks, as a later feature might record one.
    await server.deps.store.transaction((trx) =>
      audit(trx, {
        practiceId: practice.practiceId,
        type: 'login.failed',
        outcome: 'failure',
        actor: null,
        origin: { ip: '10.0.0.1', userAgent: '-2+3' },
        at: server.clock.now(),
        details: { reason: 'one\r\nforged,row' },
      }),
    );
    const response = await adminClient.get('/api/activity/export.csv?type=login.failed');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="activity-log-\d{4}-\d\d-\d\d\.csv"$/,
    );
    // The export is recorded (then this page view is).
    const viewed = await adminClient.get<Page>('/api/activity?type=activity.viewed&limit=2');
    expect(viewed.body.items.map((event) => event.details)).toEqual([
      { scope: 'practice', format: 'page' },
      { scope: 'practice', format: 'csv' },
    ]);
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(
      '"id","at","type","outcome","actor_id","actor_username","target_id","target_username","ip","browser","user_agent","details","local_time","event","description"',
    );
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1);
    const page = await allPages(adminClient, '/api/activity?type=login.failed&limit=200');
    // The export is itself recorded (activity.viewed) but is not a login.failed: same rows as the pages.
    expect(rows.map((row) => row.slice(1, 37))).toEqual(page.map((event) => event.id));
    // After the exact columns, the event as the log shows it: local time with its zone, name, details in words.
    const tails = page.map((event) =>
      [event.localTime, event.name, event.summary].map((value) => `,${csvCell(value)}`).join(''),
    );
    expect(rows.map((row, k) => row.slice(-(tails[k] ?? '').length))).toEqual(tails);
    expect(page.map((event) => event.localTime).join()).toMatch(/E[SD]T/);
    const formula = rows.find((row) => row.includes('HYPERLINK')) ?? '';
    expect(formula).toContain('"\'@SUM(1+1)"');
    expect(formula).toContain('""username"":""=HYPERLINK(');
    const forged = rows.find((row) => row.includes('forged')) ?? '';
    expect(forged).toContain('"\'-2+3"');
    // Inside details the line break is JSON-escaped text, and in words it is replaced: the row stays one row.
    expect(forged).toContain('one\\r\\nforged,row');
    expect(forged).toContain(',"Login failed","Why: one\uFFFD\uFFFDforged,row"');
    for (const row of rows) expect(row).not.toMatch(/(^|,)"[=+\-@]/);
  });
});

describe('sessions', () => {
  it('lists sessions with this browser marked, ends one, all others, or (admin) all of them', async () => {
    const user = await seedUser(server.deps, practice, { username: 'sam' });
    const laptop = await signedInClient(server.url, practice.code, user, { 'user-agent': CHROME_WINDOWS });
    const phone = await signedInClient(server.url, practice.code, user, { 'user-agent': SAFARI_MAC });
    const tablet = await signedInClient(server.url, practice.code, user);
    const list =
      await laptop.get<{ id: string; current: boolean; browser: string; ip: string }[]>('/api/me/sessions');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(3);
    expect(list.body.filter((s) => s.current).map((s) => s.browser)).toEqual(['Chrome 142 on Windows 10']);
    const stored = await server.deps.store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    for (const session of list.body) {
      expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(stored.map((row) => row.id)).not.toContain(session.id);
    }

    const phoneSession = list.body.find((s) => s.browser === 'Safari 17.5 on macOS');
    expect((await laptop.request('DELETE', `/api/me/sessions/${phoneSession?.id}`)).status).toBe(204);
    expect((await phone.get('/api/me')).status).toBe(401);
    expect((await laptop.request('DELETE', `/api/me/sessions/${phoneSession?.id}`)).status).toBe(404);
    const adminSessions = await adminClient.get<{ id: string }[]>('/api/me/sessions');
    const adminSession = adminSessions.body[0]?.id ?? '';
    expect((await laptop.request('DELETE', `/api/me/sessions/${adminSession}`)).status).toBe(404);
    expect((await adminClient.get('/api/me')).status).toBe(200);

    const others = await laptop.request<{ ended: number }>('DELETE', '/api/me/sessions');
    expect(others.body).toEqual({ ended: 1 });
    expect((await tablet.get('/api/me')).status).toBe(401);
    expect((await laptop.get('/api/me')).status).toBe(200);

    const seen = await adminClient.get<{ current: boolean }[]>(`/api/staff/${user.id}/sessions`);
    expect(seen.body).toEqual([
      expect.objectContaining({ current: false, browser: 'Chrome 142 on Windows 10' }),
    ]);
    expect((await adminClient.post<{ ended: number }>(`/api/staff/${user.id}/sign-out`)).body).toEqual({
      ended: 1,
    });
    expect((await laptop.get('/api/me')).status).toBe(401);

    const log = await adminClient.get<Page>(`/api/staff/${user.id}/activity?type=session.revoked`);
    expect(
      log.body.items.map((event) => [event.actor?.username, event.details.reason, event.details.sessions]),
    ).toEqual([
      ['boss', 'signed_out_everywhere', 1],
      ['sam', 'signed_out_by_user', 1],
      ['sam', 'signed_out_by_user', 1],
    ]);
  });
});
