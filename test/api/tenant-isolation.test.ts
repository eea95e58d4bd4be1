import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, findApp } from '../../src/services/apps/oidc-apps.js';
import { findUserById } from '../../src/store/user-store.js';
import { tableCounts } from '../support/events.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
import { apiRoutes, fillPath, sampleOf } from '../support/routes.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * R7: a Practice Administrator acts only inside their own practice. Every `/api/staff/{id}…`
 * route the app has (read from its OpenAPI document, so routes added later are covered) is
 * called with the id of a user of another practice: always 404 `not_found`, nothing changes.
 */
let server: TestServer;
let home: TestPractice;
let foreign: TestPractice;
let admin: HttpClient;
let stranger: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  home = await seedPractice(server.deps);
  foreign = await seedPractice(server.deps);
  const boss = await seedUser(server.deps, home, { username: 'boss', roles: ['practice_admin'] });
  admin = await signedInClient(server.url, home.code, boss);
  stranger = await seedUser(server.deps, foreign, { username: 'stranger', roles: ['practice_admin'] });
  // A locked stranger, so an unlock that crossed practices would show.
  await server.deps.store.db
    .updateTable('users')
    .set({ locked_until: server.clock.now() + 3_600_000, failed_attempts: 3 })
    .where('id', '=', stranger.id)
    .execute();
});
afterAll(() => server.close());

describe('tenant isolation', () => {
  it('answers every staff route with 404 for an id of another practice and changes nothing', async () => {
    const routes = apiRoutes(server.app).filter((route) => /^\/api\/staff\/\{[^}]+\}/.test(route.path));
    expect(routes.map((route) => `${route.method} ${route.path}`)).toContain('POST /api/staff/{id}/unlock');
    const before = {
      counts: await tableCounts(server.deps.store),
      stranger: await findUserById(server.deps.store.db, foreign.practiceId, stranger.id),
    };
    for (const route of routes) {
      const body = route.bodySchema ? sampleOf(route.bodySchema) : undefined;
      const response = await admin.request(route.method, fillPath(route.path, stranger.id), body);
      const label = `${route.method} ${route.path}`;
      expect(response.status, label).toBe(404);
      expect(response.body, label).toMatchObject({ error: { code: 'not_found' } });
      expect(response.text, label).not.toContain(stranger.username);
    }
    expect(await tableCounts(server.deps.store)).toEqual(before.counts);
    expect(await findUserById(server.deps.store.db, foreign.practiceId, stranger.id)).toEqual(
      before.stranger,
    );
  });

  it('answers every connected-app route with 404 for an app of another practice and changes nothing', async () => {
    const foreignApp = await createApp(server.deps, {
      name: 'Foreign EHR',
      redirectUris: ['https://foreign.example/cb'],
      confidential: true,
      firstParty: true,
      practiceId: foreign.practiceId,
      actor: null,
      origin: { ip: '127.0.0.1', userAgent: 'test' },
    });
    if (!foreignApp.ok) throw new Error(foreignApp.problem);
    const routes = apiRoutes(server.app).filter((route) =>
      /^\/api\/practice\/apps\/\{[^}]+\}/.test(route.path),
    );
    expect(routes.map((route) => `${route.method} ${route.path}`)).toContain(
      'POST /api/practice/apps/{id}/secret',
    );
    const before = await findApp(server.deps, { practiceId: foreign.practiceId, id: foreignApp.app.id });
    const counts = await tableCounts(server.deps.store);
    for (const route of routes) {
      const body = route.bodySchema ? sampleOf(route.bodySchema) : undefined;
      const response = await admin.request(route.method, fillPath(route.path, foreignApp.app.id), body);
      const label = `${route.method} ${route.path}`;
      expect(response.status, label).toBe(404);
      expect(response.body, label).toMatchObject({ error: { code: 'not_found' } });
      expect(response.text, label).not.toContain('Foreign EHR');
    }
    expect(await tableCounts(server.deps.store)).toEqual(counts);
    expect(await findApp(server.deps, { practiceId: foreign.practiceId, id: foreignApp.app.id })).toEqual(
      before,
    );
    expect((await admin.get('/api/practice/apps')).body).toEqual({ items: [] });
  });

  it('answers an id that exists nowhere the same way', async () => {
    const response = await admin.post('/api/staff/00000000-0000-0000-0000-000000000000/unlock');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'not_found' } });
  });
});
