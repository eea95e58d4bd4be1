import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableCounts } from '../support/events.js';
import { HttpClient, type ApiResponse } from '../support/http-client.js';
import { apiRoutes, fillPath, openObjects, type ApiRoute } from '../support/routes.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Property: generated hostile requests — wrong types, huge strings, control characters,
 * prototype-pollution keys, deep nesting, broken JSON — sent to every route the app lists
 * (so routes added later are covered) never get a 500, always get the error shape, and
 * write nothing. Sent both anonymously and as a signed-in Practice Administrator.
 */
let server: TestServer;
let anonymous: HttpClient;
let admin: HttpClient;
let routes: ApiRoute[];

const RUNS_PER_ROUTE = 40;

beforeAll(async () => {
  server = await startTestServer();
  const practice = await seedPractice(server.deps);
  const boss = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  anonymous = new HttpClient(server.url);
  admin = new HttpClient(server.url);
  await admin.post('/api/auth/login', {
    practiceCode: practice.code,
    username: boss.username,
    password: boss.password,
  });
  routes = apiRoutes(server.app).filter((route) => route.path.startsWith('/api/'));
});
afterAll(() => server.close());

const controlText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)),
    fc.constant('\u007f'),
  ),
  minLength: 1,
  maxLength: 16,
});
const hugeText = fc.integer({ min: 2_000, max: 20_000 }).map((length) => 'é'.repeat(length));
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
const hostileValue = fc.oneof(wrongType, hugeText);
const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** JSON text of a hostile body for a route whose body has these field names. */
function hostileBody(fields: readonly string[]): fc.Arbitrary<string> {
  const shaped = fc.record(Object.fromEntries(fields.map((field) => [field, hostileValue])));
  return fc.oneof(
    // The route's own fields, every one of the wrong type or far too long.
    shaped.map((body) => JSON.stringify(body)),
    // Prototype pollution keys beside the real fields.
    fc
      .tuple(pollutionKey, shaped)
      .map(
        ([key, body]) =>
          `{"${key}":{"polluted":true,"prototype":{"polluted":true}},${JSON.stringify(body).slice(1)}`,
      ),
    // Control characters in keys and values.
    fc
      .dictionary(controlText, fc.oneof(controlText, wrongType), { minKeys: 1, maxKeys: 4 })
      .map((body) => JSON.stringify(body)),
    // Deep nesting of arrays and objects.
    fc.integer({ min: 50, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc.integer({ min: 50, max: 5_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
    // Not an object at all, or not JSON.
    fc
      .jsonValue({ maxDepth: 1 })
      .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
      .map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 40 }),
  );
}

const hostileParam = fc.oneof(
  controlText,
  hugeText,
  fc.constantFrom('..', '%00', '__proto__', '0', '-1', 'ñ'),
);

function expectHandled(response: ApiResponse, route: ApiRoute, label: string) {
  expect(response.status, label).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.body, label).toMatchObject({
      error: { code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) },
    });
  } else {
    // Only a route that takes no body may ignore one (e.g. logout, keep-alive).
    expect(route.bodySchema, label).toBeUndefined();
  }
}

describe('hostile input', () => {
  it('meets only strict body schemas: every object refuses fields it does not list', () => {
    const open = routes.flatMap((route) =>
      route.bodySchema
        ? openObjects(route.bodySchema).map((where) => `${route.method} ${route.path} ${where}`)
        : [],
    );
    expect(open).toEqual([]);
    expect(routes.some((route) => route.bodySchema !== undefined)).toBe(true);
  });

  it('never gets a 500 from any route, always the error shape, and writes nothing', async () => {
    expect(routes.length).toBeGreaterThan(3);
    const before = await tableCounts(server.deps.store);
    for (const route of routes) {
      const fields = Object.keys(route.bodySchema?.properties ?? {});
      const unsafe = route.method !== 'GET';
      await fc.assert(
        fc.asyncProperty(hostileBody(fields), hostileParam, fc.boolean(), async (body, param, signedIn) => {
          const client = signedIn && !route.path.endsWith('/logout') ? admin : anonymous;
          const path = fillPath(route.path, param);
          const response = unsafe
            ? await client.request(route.method, path, body)
            : await client.request(
                'GET',
                `${path}?${new URLSearchParams({ q: body.slice(0, 2_000), limit: param.slice(0, 500) })}`,
              );
          expectHandled(response, route, `${route.method} ${route.path}`);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    expect(await tableCounts(server.deps.store)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The administrator's session survived it all.
    expect((await admin.get('/api/me')).status).toBe(200);
  }, 120_000);
});
