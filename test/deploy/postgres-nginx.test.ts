import { appendFileSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkpointKeysOf, type AuditCheckpoint } from '../../src/domain/audit-checkpoint.js';
import { secretKeyId } from '../../src/domain/secret-box.js';
import { runCli } from '../support/cli.js';
import { HttpClient } from '../support/http-client.js';
import type { ServerProcess } from '../support/server-process.js';
import { guideBlock, parseEnvironmentFile, substitute } from './guide.js';
import { guideMachine, type FirstAdmin, type GuideMachine } from './guide-machine.js';
import { httpsFetch } from './https-fetch.js';
import { enrolTotp, signInWithCode } from './two-factor.js';
import { startNginx, type NginxProcess } from './nginx.js';

/**
 * docs/deploy.md section 3, done as written: the settings file, `gatehouse migrate`, the first
 * practice, three instances of the systemd unit on one PostgreSQL, nginx with TLS in front. Then,
 * over https through nginx from 127.0.0.2: sign-in, the __Host- cookie, the client address nginx
 * forwarded, and requests spread over instances that may stop. Only ports, paths and the host
 * name of the guide's blocks are changed (test/deploy/guide-machine.ts).
 */
const CLIENT_ADDRESS = '127.0.0.2';
const SPOOFED_ADDRESS = '203.0.113.9';
const NEW_PASSWORD = 'Quiet harbour lanterns 4 deploy guide';

let machine: GuideMachine;
let instances: ServerProcess[] = [];
let nginx: NginxProcess | undefined;
let firstAdmin: FirstAdmin;
let client: HttpClient;

/** A browser on PUBLIC_URL, through nginx, from CLIENT_ADDRESS. */
function browser(extraHeaders: Record<string, string> = {}): HttpClient {
  return new HttpClient(
    machine.publicUrl,
    { origin: machine.publicUrl, ...extraHeaders },
    httpsFetch({ ca: machine.certificate, localAddress: CLIENT_ADDRESS }),
  );
}

beforeAll(async () => {
  machine = await guideMachine({ databaseUrl: inject('databaseUrl') });
  await machine.shell('postgres-env');
  const settings = statSync(path.join(machine.dir, 'etc/gatehouse.env'));
  expect([settings.uid, settings.mode & 0o777]).toEqual([0, 0o600]);
  expect(await machine.shell('postgres-migrate')).toContain('The postgres database is up to date.');
  firstAdmin = await machine.createFirstPractice();
  await machine.shell('metrics-token', 'postgres-start');
  instances = machine.running();
  expect(instances.map((instance) => instance.port)).toEqual([3001, 3002, 3003].map(machine.port));

  const nginxDir = path.join(machine.dir, 'nginx');
  mkdirSync(nginxDir);
  const site = substitute(guideBlock('nginx'), machine.substitutions);
  nginx = await startNginx(nginxDir, site, [machine.port(80), machine.port(443)]);
  // A malicious client claims another address.
  client = browser({ 'x-forwarded-for': SPOOFED_ADDRESS });
}, 150_000);

afterAll(async () => {
  await nginx?.stop();
  await machine?.close();
});

/** How many requests for `apiPath` an instance has logged (one JSON line per answered request). */
function logged(instance: ServerProcess, apiPath: string): number {
  return instance
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"request"') && line.includes(`"path":"${apiPath}"`)).length;
}

describe('docs/deploy.md: three instances on PostgreSQL behind nginx with TLS', () => {
  it('signs the first administrator in over https with a Secure __Host- session cookie', async () => {
    const login = await client.post<{ next: string }>('/api/auth/login', {
      practiceCode: firstAdmin.practiceCode,
      username: firstAdmin.username,
      password: firstAdmin.temporaryPassword,
    });
    expect(login.status, login.text).toBe(200);
    expect(login.body.next).toBe('password_change');
    const session = login.headers.getSetCookie().find((line) => line.startsWith('__Host-gh_session='));
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(session).not.toMatch(/;\s*Domain=/i);
    expect(login.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);

    const changed = await client.post<{ next: string }>('/api/auth/password-change', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.next).toBe('signed_in');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('records the address nginx saw, not the X-Forwarded-For the client made up', async () => {
    const security = await client.get<{ lastLogin: { ip: string } | null }>('/api/me/security');
    expect(security.status).toBe(200);
    expect(security.body.lastLogin?.ip).toBe(CLIENT_ADDRESS);
    const activity = await client.get<{ items: Array<{ type: string; ip: string }> }>('/api/me/activity');
    const signIns = activity.body.items.filter((event) => event.type === 'login.succeeded');
    expect(signIns.length).toBeGreaterThan(0);
    expect(new Set(signIns.map((event) => event.ip))).toEqual(new Set([CLIENT_ADDRESS]));
  });

  it('refuses /metrics through nginx; Prometheus scrapes each instance where the guide binds it', async () => {
    const token = parseEnvironmentFile(
      readFileSync(path.join(machine.dir, 'etc/gatehouse.env'), 'utf8'),
    ).METRICS_TOKEN;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const authorization = { authorization: `Bearer ${token ?? ''}` };
    for (const metricsPath of ['/metrics', '/metrics/', '/%6Detrics'])
      expect((await client.get(metricsPath, authorization)).status).toBe(404);

    const prometheus = substitute(guideBlock('prometheus'), machine.substitutions);
    const targets = /targets: \[(.*)\]/
      .exec(prometheus)?.[1]
      ?.split(',')
      .map((target) => target.trim().slice(1, -1));
    expect(targets).toEqual(instances.map((instance) => new URL(instance.url).host));
    for (const target of targets ?? []) {
      const scrape = await fetch(`http://${target}/metrics`, { headers: authorization });
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('gatehouse_http_request_duration_seconds');
    }
  });

  it("logs nginx's request id in its access log and in the server's lines for that request", async () => {
    const response = await client.get('/api/me');
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(path.join(machine.dir, 'gatehouse.access.log'), 'utf8')).toContain(
      `request_id=${requestId}`,
    );
    await expect
      .poll(() => instances.filter((instance) => instance.output().includes(`"reqId":"${requestId}"`)))
      .toHaveLength(1);
  });

  it('rotates the secret key as keys-and-backup.md says, one instance restarted at a time; two-factor codes still work', async () => {
    const nextCode = await enrolTotp(client, NEW_PASSWORD);
    const settingsFile = path.join(machine.dir, 'etc/gatehouse.env');
    const settings = () => parseEnvironmentFile(readFileSync(settingsFile, 'utf8'));
    const rootsOnly = () => {
      const { uid, mode } = statSync(settingsFile);
      expect([uid, mode & 0o777]).toEqual([0, 0o600]);
    };
    // "Restart the instances one by one" after each step.
    const restartOneByOne = async () => {
      for (const port of [3001, 3002, 3003]) await machine.command(`systemctl restart gatehouse@${port}`);
    };
    const firstKey = settings().GATEHOUSE_SECRET_KEY;
    // The checkpoints kept as operations.md keeps them, and a copy of them from before the rotation.
    const kept = path.join(machine.dir, 'checkpoints.jsonl');
    const keptBefore = path.join(machine.dir, 'checkpoints-before.jsonl');
    writeFileSync(kept, await machine.command('gatehouse audit checkpoint'));
    copyFileSync(kept, keptBefore);
    await machine.shell('rotate-add-key');
    const newKey = settings().GATEHOUSE_PREVIOUS_SECRET_KEY;
    expect(newKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    rootsOnly();
    await restartOneByOne();
    await machine.shell('rotate-swap-keys');
    expect(settings()).toMatchObject({
      GATEHOUSE_SECRET_KEY: newKey,
      GATEHOUSE_PREVIOUS_SECRET_KEY: firstKey,
    });
    rootsOnly();
    await restartOneByOne();
    expect(await machine.shell('keys-rotate')).toMatch(
      /re-encrypted 1 TOTP secrets in this run; 1 use the current key, 0 do not\./,
    );
    // Step 4's re-signing: every log's checkpoint under the new key, while both keys are set.
    const resigned = await machine.shell('rotate-checkpoint');
    const checkpoints = resigned
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditCheckpoint);
    expect(checkpoints.length).toBeGreaterThan(0);
    const [newCheckpointKey] = checkpointKeysOf([Buffer.from(newKey ?? '', 'base64')]);
    expect(new Set(checkpoints.map((checkpoint) => checkpoint.key))).toEqual(
      new Set([secretKeyId(newCheckpointKey)]),
    );
    // "append its lines to the checkpoints you keep"
    appendFileSync(kept, resigned);
    await machine.shell('rotate-drop-previous');
    expect(settings().GATEHOUSE_PREVIOUS_SECRET_KEY).toBeUndefined();
    expect(settings().GATEHOUSE_SECRET_KEY).toBe(newKey);
    rootsOnly();
    await restartOneByOne();
    instances = machine.running();
    expect(instances).toHaveLength(3);
    for (const instance of instances) {
      expect(instance.output()).toMatch(/Secret key [0-9a-f]{12}/);
      expect(instance.output()).not.toContain('also reading previous key');
    }
    // With the new key alone, the database's checkpoints and the kept ones check out; a copy of those from
    // before the rotation needs the old key, kept with it.
    expect(await machine.command(`gatehouse audit verify --checkpoints ${kept}`)).toMatch(
      /Practice ACME: \d+ events, intact\./,
    );
    await expect(machine.command(`gatehouse audit verify --checkpoints ${keptBefore}`)).rejects.toThrow(
      /which this server does not have/,
    );
    await signInWithCode(browser(), { ...firstAdmin, password: NEW_PASSWORD }, await nextCode());
  });

  it('spreads requests over the three instances, and goes on when one of them stops', async () => {
    const before = instances.map((instance) => logged(instance, '/api/me'));
    for (let i = 0; i < 9; i++) expect((await client.get('/api/me')).status).toBe(200);
    // Round robin: three each. An instance logs a request as it answers, so wait for the last lines.
    const served = () => instances.map((instance, i) => logged(instance, '/api/me') - (before[i] ?? 0));
    await expect.poll(() => served().reduce((sum, count) => sum + count)).toBe(9);
    expect(served()).toEqual([3, 3, 3]);

    await machine.command('systemctl stop gatehouse@3002');
    expect(machine.running()).toHaveLength(2);
    for (let i = 0; i < 6; i++) expect((await client.get('/api/me')).status).toBe(200);
    const logout = await client.post('/api/auth/logout');
    expect(logout.status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('created no DEMO practice, since the first practice came from the command line', () => {
    for (const instance of instances) expect(instance.output()).not.toContain('Temporary Password');
  });

  it('requires TLS of a remote database with the ending deploy.md gives DATABASE_URL: a server without it is refused', async () => {
    const ending = /`(\?sslmode=verify-full&sslrootcert=[^`]+)`/.exec(
      readFileSync('docs/deploy.md', 'utf8'),
    )?.[1];
    expect(ending, "deploy.md's DATABASE_URL ending for a remote database").toBeDefined();
    const urlEnding = substitute(ending ?? '', machine.substitutions);
    // The authority's certificate where the guide puts it (this machine's: the server offers no TLS at all).
    writeFileSync(path.join(machine.dir, 'etc/db-ca.pem'), machine.certificate);
    const { GATEHOUSE_SECRET_KEY = '' } = parseEnvironmentFile(
      readFileSync(path.join(machine.dir, 'etc/gatehouse.env'), 'utf8'),
    );
    const migrate = await runCli(
      { DATABASE_URL: `${inject('databaseUrl')}${urlEnding}`, GATEHOUSE_SECRET_KEY },
      'migrate',
    );
    expect(migrate.err).toMatch(/The server does not support SSL connections/);
    expect(migrate.status).toBe(1);
  });

  it('redirects plain http to https', async () => {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`http://127.0.0.1:${machine.port(80)}/api/me`, resolve).on('error', reject),
    );
    response.resume();
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe('https://127.0.0.1/api/me');
  });
});
