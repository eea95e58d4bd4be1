import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { eventsOf } from '../support/events.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
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

/**
 * Settings > Connected Apps (docs/architecture.md "Apps signing in"):
 * the Practice Administrator's API and `gatehouse app create`, on SQLite and PostgreSQL. The
 * secret is shown once and stored only as its SHA-256; redirect URIs are https or loopback
 * http, kept exactly; every change writes its app.* event; other roles get 403 and other
 * practices' apps 404 (test/api/tenant-isolation.test.ts walks every app route too).
 */
interface App {
  readonly id: string;
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  readonly backchannelLogoutUri: string | null;
  readonly confidential: boolean;
  readonly firstParty: boolean;
  readonly createdAt: string;
}
interface Created {
  readonly app: App;
  readonly clientSecret?: string;
}

let store: Store;
let env: NodeJS.ProcessEnv;
let server: TestServer;
let practice: TestPractice;
let boss: SeededUser;
let admin: HttpClient;
let clinician: HttpClient;
let otherAdmin: HttpClient;

const EHR = {
  name: 'EHR',
  redirectUris: ['https://ehr.example.com/callback', 'http://127.0.0.1:5173/callback'],
  postLogoutRedirectUris: ['https://ehr.example.com/'],
  backchannelLogoutUri: 'https://ehr.example.com/backchannel',
  confidential: true,
  firstParty: true,
};

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-apps-'));
  const databaseUrl = testDatabase() === 'postgres' ? await testDatabaseUrl() : undefined;
  env = { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  store = openStore({ databaseUrl, dataDir });
  await migrateToLatest(store);
  server = await startTestServer({ store });
  practice = await seedPractice(server.deps);
  boss = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  admin = await signedInClient(server.url, practice.code, boss);
  clinician = await signedInClient(
    server.url,
    practice.code,
    await seedUser(server.deps, practice, { username: 'doc' }),
  );
  const other = await seedPractice(server.deps);
  const otherBoss = await seedUser(server.deps, other, { username: 'boss', roles: ['practice_admin'] });
  otherAdmin = await signedInClient(server.url, other.code, otherBoss);
});
afterAll(async () => {
  await server.close();
  await store.close();
});

async function storedSecretHash(id: string): Promise<string | null> {
  const row = await store.db
    .selectFrom('oidc_apps')
    .select('secret_hash')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.secret_hash;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('POST /api/practice/apps', () => {
  it('registers a confidential app, shows its secret once and keeps only its hash, with an app.created event', async () => {
    const response = await admin.post<Created>('/api/practice/apps', EHR);
    expect(response.status).toBe(201);
    const { app, clientSecret } = response.body;
    expect(app).toMatchObject({ ...EHR, id: expect.any(String), clientId: expect.any(String) });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await storedSecretHash(app.id)).toBe(sha256(clientSecret ?? ''));
    // Never shown again: not in the list, not in the app, not in the event.
    const listed = await admin.get('/api/practice/apps');
    expect(listed.body).toEqual({ items: [app] });
    expect(listed.text).not.toContain(clientSecret);
    const [event] = await eventsOf(store, boss.id);
    expect(event).toMatchObject({
      type: 'app.created',
      outcome: 'success',
      actor: { id: boss.id },
      details: { app: 'EHR', clientId: app.clientId, confidential: true, firstParty: true },
    });
    expect(JSON.stringify(event)).not.toContain(clientSecret);
  });

  it('registers a public app without a secret; there is none to rotate', async () => {
    const response = await admin.post<Created>('/api/practice/apps', {
      name: 'Scheduling (browser)',
      redirectUris: ['https://schedule.example.com/cb'],
      confidential: false,
      firstParty: false,
    });
    expect(response.status).toBe(201);
    expect(response.body.clientSecret).toBeUndefined();
    expect(response.body.app).toMatchObject({
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      confidential: false,
    });
    expect(await storedSecretHash(response.body.app.id)).toBeNull();
    const rotate = await admin.post(`/api/practice/apps/${response.body.app.id}/secret`);
    expect(rotate.status).toBe(409);
    expect(rotate.body).toMatchObject({ error: { code: 'conflict' } });
  });

  it('refuses plain http off loopback, fragments, credentials, relative URIs and bad shapes, writing nothing', async () => {
    const before = (await admin.get<{ items: App[] }>('/api/practice/apps')).body.items.length;
    const eventsBefore = (await eventsOf(store, boss.id)).length;
    const bad = [
      { ...EHR, redirectUris: ['http://ehr.example.com/callback'] },
      { ...EHR, redirectUris: ['https://ehr.example.com/callback#x'] },
      { ...EHR, redirectUris: ['https://me:pw@ehr.example.com/callback'] },
      { ...EHR, redirectUris: ['/callback'] },
      { ...EHR, redirectUris: [] },
      { ...EHR, postLogoutRedirectUris: ['http://ehr.example.com/'] },
      { ...EHR, backchannelLogoutUri: 'http://ehr.example.com/bc' },
      { ...EHR, name: '   ' },
      { ...EHR, confidential: 'yes' },
      { ...EHR, clientSecret: 'chosen' },
    ];
    for (const body of bad) {
      const response = await admin.post('/api/practice/apps', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({
        error: { code: 'invalid_request', message: expect.any(String) },
      });
    }
    expect((await admin.get<{ items: App[] }>('/api/practice/apps')).body.items).toHaveLength(before);
    expect(await eventsOf(store, boss.id)).toHaveLength(eventsBefore);
  });

  it('is for Practice Administrators only', async () => {
    expect((await clinician.post('/api/practice/apps', EHR)).status).toBe(403);
    const list = await clinician.get('/api/practice/apps');
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ error: { code: 'forbidden' } });
  });
});

describe('GET|PATCH|DELETE /api/practice/apps/:id and POST …/secret', () => {
  async function register(name: string): Promise<Created> {
    const response = await admin.post<Created>('/api/practice/apps', { ...EHR, name });
    expect(response.status).toBe(201);
    return response.body;
  }

  it('edits the redirect URIs and names what changed in app.updated', async () => {
    const { app } = await register('Billing');
    const redirectUris = ['https://billing.example.com/oidc/callback'];
    const response = await admin.request<App>('PATCH', `/api/practice/apps/${app.id}`, {
      redirectUris,
      backchannelLogoutUri: null,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...app, redirectUris, backchannelLogoutUri: null });
    expect((await admin.get(`/api/practice/apps/${app.id}`)).body).toEqual(response.body);
    const [event] = await eventsOf(store, boss.id);
    expect(event).toMatchObject({
      type: 'app.updated',
      details: { app: 'Billing', changed: 'redirectUris, backchannelLogoutUri' },
    });
    const refused = await admin.request('PATCH', `/api/practice/apps/${app.id}`, {
      redirectUris: ['http://billing.example.com/cb'],
    });
    expect(refused.status).toBe(400);
    expect((await admin.get(`/api/practice/apps/${app.id}`)).body).toEqual(response.body);
    const confidentialFlip = await admin.request('PATCH', `/api/practice/apps/${app.id}`, {
      confidential: false,
    });
    expect(confidentialFlip.status).toBe(400);
  });

  it('rotates the secret: a new one shown once, the old hash gone, app.secret_rotated recorded', async () => {
    const { app, clientSecret } = await register('Portal');
    const response = await admin.post<{ clientSecret: string }>(`/api/practice/apps/${app.id}/secret`);
    expect(response.status).toBe(200);
    expect(response.body.clientSecret).not.toBe(clientSecret);
    expect(await storedSecretHash(app.id)).toBe(sha256(response.body.clientSecret));
    const [event] = await eventsOf(store, boss.id);
    expect(event).toMatchObject({ type: 'app.secret_rotated', details: { clientId: app.clientId } });
    expect(JSON.stringify(event)).not.toContain(response.body.clientSecret);
  });

  it('deletes an app: 204, then 404, with app.deleted', async () => {
    const { app } = await register('Old tool');
    const response = await admin.request('DELETE', `/api/practice/apps/${app.id}`);
    expect(response.status).toBe(204);
    const gone = await admin.get(`/api/practice/apps/${app.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'not_found' } });
    const [event] = await eventsOf(store, boss.id);
    expect(event).toMatchObject({
      type: 'app.deleted',
      details: { app: 'Old tool', clientId: app.clientId },
    });
  });

  it('shows another practice none of these apps', async () => {
    const { app } = await register('Private to the first practice');
    expect((await otherAdmin.get('/api/practice/apps')).body).toEqual({ items: [] });
    expect((await otherAdmin.get(`/api/practice/apps/${app.id}`)).status).toBe(404);
  });
});

describe('gatehouse app create', () => {
  it('registers a confidential app and prints its secret once, or a public app without one', async () => {
    const run = await runCli(
      env,
      'app',
      'create',
      '--practice',
      practice.code.toLowerCase(),
      '--name',
      'Lab results',
      '--redirect-uri',
      'https://lab.example.com/cb',
      '--json',
    );
    expect(run.err).toBe('');
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.out) as Created;
    expect(printed.app).toMatchObject({ name: 'Lab results', confidential: true, firstParty: false });
    expect(await storedSecretHash(printed.app.id)).toBe(sha256(printed.clientSecret ?? ''));
    const listed = (await admin.get<{ items: App[] }>('/api/practice/apps')).body.items;
    expect(listed.map((app) => app.clientId)).toContain(printed.app.clientId);

    const publicRun = await runCli(
      env,
      'app',
      'create',
      '--practice',
      practice.code,
      '--name',
      'Kiosk',
      '--redirect-uri',
      'http://127.0.0.1:8080/cb',
      '--public',
      '--first-party',
    );
    expect(publicRun.status).toBe(0);
    expect(publicRun.out).toContain('Public app: no client secret');
  });

  it('refuses an unknown practice, a plain-http redirect URI and missing options', async () => {
    const args = ['--name', 'X', '--redirect-uri', 'https://x.example.com/cb'];
    const unknown = await runCli(env, 'app', 'create', '--practice', 'NOPE-NONE', ...args);
    expect(unknown.status).toBe(1);
    expect(unknown.err).toContain('No practice');
    const http = await runCli(
      env,
      'app',
      'create',
      '--practice',
      practice.code,
      '--name',
      'X',
      '--redirect-uri',
      'http://x.example.com/cb',
    );
    expect(http.status).toBe(1);
    expect(http.err).toContain('https');
    expect((await runCli(env, 'app', 'create', '--practice', practice.code)).status).toBe(2);
  });
});
