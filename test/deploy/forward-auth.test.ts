import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer,
  get as httpGet,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { guideBlock, substitute } from './guide.js';
import { startNginx, type NginxProcess } from './nginx.js';
import { freePort } from '../support/free-port.js';

/**
 * docs/deploy.md section 7, "An app under Gatehouse's own host name", with Debian's nginx: the
 * guide's `map` and locations, inside a plain-http server block that stands for section 3's
 * (whose TLS test/deploy/postgres-nginx.test.ts covers), in front of a Gatehouse server and an
 * "EHR" that answers with the headers it was given. Only the EHR's port is changed.
 */
let gatehouse: TestServer;
let practice: TestPractice;
let clinician: SeededUser;
let biller: SeededUser;
let ehr: Server;
let nginx: NginxProcess | undefined;
let nginxDir: string;
let base: string;

interface SeenByApp {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

beforeAll(async () => {
  ehr = createServer((request, response) => {
    const seen: SeenByApp = { url: request.url ?? '', headers: request.headers };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen));
  });
  await new Promise<void>((resolve) => ehr.listen(0, '127.0.0.1', resolve));
  const nginxPort = await freePort();
  base = `http://127.0.0.1:${nginxPort}`;
  gatehouse = await startTestServer({ publicUrl: base, trustProxy: 1 });
  practice = await seedPractice(gatehouse.deps);
  clinician = await seedUser(gatehouse.deps, practice, {
    username: 'zoe',
    firstName: 'Zoë',
    roles: ['clinician'],
  });
  biller = await seedUser(gatehouse.deps, practice, { username: 'bill', roles: ['biller'] });

  const locations = substitute(guideBlock('forward-auth-ehr'), [
    ['127.0.0.1:8080', `127.0.0.1:${(ehr.address() as AddressInfo).port}`],
  ]);
  const site = [
    `upstream gatehouse { server ${new URL(gatehouse.url).host}; keepalive 4; }`,
    guideBlock('forward-auth-map'),
    'server {',
    `    listen 127.0.0.1:${nginxPort};`,
    '    server_name localhost;',
    '    location / {',
    '        proxy_pass http://gatehouse;',
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $remote_addr;',
    '    }',
    locations,
    '}',
  ].join('\n');
  nginxDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-forward-auth-'));
  nginx = await startNginx(nginxDir, site, [nginxPort]);
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await gatehouse?.close();
  ehr?.close();
  if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
});

describe('forward-auth through nginx (docs/deploy.md section 7)', () => {
  it('redirects a browser without a session to the sign-in page, returnTo carrying the whole address', async () => {
    const response = await new HttpClient(base).get('/ehr/chart/12?tab=notes&view=a+b%20c');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      `${base}/login?returnTo=${encodeURIComponent(`${base}/ehr/chart/12?tab=notes&view=a+b%20c`)}`,
    );
  });

  it('passes the signed-in user to the app, replacing Remote-* headers the client sent, without the session cookie', async () => {
    const browser = await signedInClient(base, practice.code, clinician);
    const response = await browser.get<SeenByApp>('/ehr/chart/12', {
      'remote-user': 'admin',
      'remote-roles': 'practice_admin',
    });
    expect(response.status).toBe(200);
    const { url, headers } = response.body;
    expect(url).toBe('/ehr/chart/12');
    expect(headers).toMatchObject({
      'remote-user': 'zoe',
      'remote-user-id': clinician.id,
      'remote-practice': practice.code,
      'remote-roles': 'clinician',
      'remote-name': 'Zo%C3%AB zoe',
    });
    expect(browser.cookies.get('gh_session')).toBeDefined();
    expect(headers.cookie).toContain('gh_csrf=');
    expect(headers.cookie).not.toContain('gh_session');
    expect(headers.cookie).not.toContain(browser.cookies.get('gh_session'));
  });

  it('answers 403 to a signed-in user without the role', async () => {
    const browser = await signedInClient(base, practice.code, biller);
    const response = await browser.get('/ehr/chart/12');
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('"url"');
  });

  it('sends a browser whose session ended back to the sign-in page', async () => {
    const browser = await signedInClient(base, practice.code, clinician);
    expect((await browser.get('/ehr/')).status).toBe(200);
    await browser.post('/api/auth/logout');
    const response = await browser.get('/ehr/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(`${base}/login?returnTo=`);
  });

  it('refuses to put a foreign origin in returnTo (a Host header naming another site)', async () => {
    // fetch() cannot send another Host header; node:http can.
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(`${base}/ehr/chart/12`, { headers: { host: 'evil.example' } }, resolve).on('error', reject),
    );
    response.resume();
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`${base}/login`);
  });
});
