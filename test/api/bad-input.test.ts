import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableCounts } from '../support/events.js';
import { HttpClient, type ApiResponse } from '../support/http-client.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Bad input on every route gets a 4xx in the contract's error shape — never a 500 — and
 * writes nothing. Routes are read from the server itself, so a new route is covered too.
 */
let server: TestServer;
let signedIn: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  const practice = await seedPractice(server.deps);
  const user = await seedUser(server.deps, practice, { username: 'valid' });
  signedIn = new HttpClient(server.url);
  await signedIn.post('/api/auth/login', {
    practiceCode: practice.code,
    username: user.username,
    password: user.password,
  });
});
afterAll(() => server.close());

const MEGABYTE = 'x'.repeat(1024 * 1024);

const BAD_BODIES: Array<[string, string | unknown]> = [
  ['broken JSON', '{"practiceCode": "DEMO", '],
  ['a JSON array', '[1,2,3]'],
  ['a JSON string', '"hello"'],
  ['null', 'null'],
  ['an empty object', {}],
  ['wrong types', { practiceCode: 1, username: true, password: ['x'] }],
  ['numbers as strings are not coerced', { practiceCode: 123, username: 'a', password: 'b' }],
  ['unknown fields', { practiceCode: 'A', username: 'b', password: 'c', admin: true }],
  [
    'prototype pollution keys',
    JSON.parse('{"__proto__":{"admin":true},"practiceCode":"A","username":"b","password":"c"}'),
  ],
  ['a 1 MB string', { practiceCode: MEGABYTE, username: 'a', password: 'b' }],
  ['deep nesting', JSON.parse('{"a":'.repeat(500) + '1' + '}'.repeat(500))],
  ['control characters', { practiceCode: '\u0000\u001b[31m', username: '\r\nx', password: 'y' }],
];

function expectErrorShape(response: ApiResponse, label: string) {
  expect(response.status, label).toBeGreaterThanOrEqual(400);
  expect(response.status, label).toBeLessThan(500);
  expect(response.body, label).toMatchObject({
    error: { code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) },
  });
}

describe('bad input', () => {
  it('every unsafe route answers each bad body with a 4xx error and writes nothing', async () => {
    const unsafe = [
      ['POST', '/api/auth/login'],
      ['POST', '/api/auth/logout'],
    ] as const;
    const before = await tableCounts(server.deps.store);
    for (const [method, path] of unsafe) {
      for (const [label, body] of BAD_BODIES) {
        // Logout takes no body: a well-formed one is simply ignored (204), so only anonymous callers try it.
        const clients =
          path === '/api/auth/logout' ? [new HttpClient(server.url)] : [new HttpClient(server.url), signedIn];
        for (const client of clients) {
          const response = await client.request(method, path, body);
          if (path === '/api/auth/logout' && response.status === 204) continue;
          expectErrorShape(response, `${method} ${path} with ${label}`);
        }
      }
    }
    const after = await tableCounts(server.deps.store);
    expect(after).toEqual(before);
  });

  it('answers 413 to a body over 64 KiB and 415 to a body that is not JSON', async () => {
    const client = new HttpClient(server.url);
    const huge = await client.post('/api/auth/login', {
      practiceCode: MEGABYTE,
      username: 'a',
      password: 'b',
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } });
    const form = await client.post('/api/auth/login', 'practiceCode=A', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('names the field at fault without echoing the input', async () => {
    const response = await new HttpClient(server.url).post('/api/auth/login', {
      practiceCode: 'A',
      username: 'b',
      password: 42,
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: 'invalid_request', message: 'The field "password" must be of type string.' },
    });
  });

  it('answers unknown API paths with a JSON 404 and pages with the app', async () => {
    const client = new HttpClient(server.url);
    const api = await client.get('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ error: { code: 'not_found' } });
    for (const path of ['/api/me', '/api/auth/session']) {
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        const response = await client.request(method, path, {});
        expectErrorShape(response, `${method} ${path}`);
      }
    }
  });

  it('refuses signed-in routes without a session with 401', async () => {
    const response = await new HttpClient(server.url).get('/api/me');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'not_authenticated' } });
  });
});
