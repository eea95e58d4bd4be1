import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../support/cli.js';
import { HttpClient } from '../support/http-client.js';
import { firstRunPassword, spawnServer, type ServerProcess } from '../support/server-process.js';
import { guideBlock, shellEnvironment, substitute, unitCommand } from './guide.js';
import { guideMachine, ownerAndMode, type FirstAdmin, type GuideMachine } from './guide-machine.js';
import { enrolTotp, signInWithCode } from './two-factor.js';
import { freePort } from '../support/free-port.js';

/**
 * The README's quick start (`npm start`, the DEMO administrator it prints) and docs/deploy.md's
 * single machine on SQLite (settings file, first practice from the command line, the systemd
 * unit), each done as written, then signed in over HTTP.
 */
const servers: ServerProcess[] = [];
/** Temp folders to remove once the servers using them have stopped. */
const folders: string[] = [];
/** Each stops its units and removes its folder. */
const machines: GuideMachine[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await Promise.all(machines.map((machine) => machine.close()));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const NEW_PASSWORD = 'Quiet harbour lanterns 4 deploy guide';

/** Signs in with a temporary password and sets a new one, as the first sign-in requires. */
async function signInFirstTime(baseUrl: string, admin: FirstAdmin): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  const login = await client.post<{ next: string }>('/api/auth/login', {
    practiceCode: admin.practiceCode,
    username: admin.username,
    password: admin.temporaryPassword,
  });
  expect(login.status, login.text).toBe(200);
  expect(login.body.next).toBe('password_change');
  const changed = await client.post<{ next: string }>('/api/auth/password-change', {
    newPassword: NEW_PASSWORD,
    confirmPassword: NEW_PASSWORD,
  });
  expect(changed.body.next, changed.text).toBe('signed_in');
  const me = await client.get<{ username: string }>('/api/me');
  expect(me.status).toBe(200);
  expect(JSON.stringify(me.body)).toContain(`"${admin.username}"`);
  return client;
}

describe('README: npm start on SQLite', () => {
  it('builds, serves on PORT with data in DATA_DIR, prints the DEMO administrator, who can sign in; stops on SIGTERM to npm', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-readme-'));
    folders.push(dataDir);
    const server = await spawnServer('npm', ['start'], {
      port,
      env: shellEnvironment({ PORT: String(port), DATA_DIR: dataDir }),
      // `npm start` builds the server and the web app first, then runs node as its grandchild.
      readyTimeoutMs: 150_000,
      processGroup: true,
    });
    servers.push(server);
    const temporaryPassword = await firstRunPassword(server);
    expect(server.output()).toMatch(/Practice Code:\s+DEMO/);
    expect(server.output()).toMatch(/User Name:\s+admin/);
    const signInAt = /Log in at (\S+)/.exec(server.output())?.[1];
    expect(signInAt).toBe(`http://127.0.0.1:${port}`);

    await signInFirstTime(signInAt ?? '', { practiceCode: 'DEMO', username: 'admin', temporaryPassword });
    expect(existsSync(path.join(dataDir, 'gatehouse.sqlite'))).toBe(true);
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);

    // Without SMTP_URL, mail is written to DATA_DIR/outbox/*.eml.
    const forgot = await new HttpClient(signInAt ?? '').post('/api/auth/forgot-password', {
      practiceCode: 'DEMO',
      username: 'admin',
    });
    expect(forgot.status).toBe(202);
    const outbox = path.join(dataDir, 'outbox');
    await expect
      .poll(() => (existsSync(outbox) ? readdirSync(outbox).filter((name) => name.endsWith('.eml')) : []), {
        timeout: 10_000,
      })
      .not.toHaveLength(0);

    // Stopping `npm start` signals npm alone (systemd's main process, or kill PID): the server stops with it.
    const npmExited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    await npmExited;
    const health = () =>
      fetch(`${signInAt}/healthz`).then(
        () => 'serving',
        () => 'stopped',
      );
    await expect.poll(health, { timeout: 10_000 }).toBe('stopped');
  });
});

describe('docs/deploy.md: one machine on SQLite', () => {
  it('creates the first practice from the command line, starts the unit, its administrator signs in; backs up and restores as the service user', async () => {
    const machine = await guideMachine();
    machines.push(machine);
    const owner = `${machine.owner.uid}:${machine.owner.gid}`;
    expect(ownerAndMode(machine.dataDir)).toBe(`${owner} 700`);
    await machine.shell('sqlite-env', 'mail-from');
    // Root's settings: only root reads them (systemd reads them as root for the unit).
    expect(ownerAndMode(path.join(machine.dir, 'etc/gatehouse.env'))).toBe('0:0 600');
    const admin = await machine.createFirstPractice();
    // The command line ran as the service user under its umask: the service can open what it made, nobody else.
    const database = path.join(machine.dataDir, 'gatehouse.sqlite');
    expect(ownerAndMode(database)).toBe(`${owner} 600`);
    await machine.shell('sqlite-start');
    const [instance, ...others] = machine.running();
    expect(others).toHaveLength(0);
    expect(instance?.port).toBe(machine.port(3000));
    expect(await machine.shell('readyz')).toContain('"status":"ready"');

    await signInFirstTime(instance?.url ?? '', admin);
    expect(instance?.output()).not.toContain('Temporary Password');
    const dataFiles = ['gatehouse.sqlite', 'gatehouse.sqlite-wal', 'secret.key'];
    for (const name of dataFiles) expect(ownerAndMode(path.join(machine.dataDir, name))).toBe(`${owner} 600`);

    // keys-and-backup.md: a backup while it runs, into the service user's folder.
    expect(await machine.shell('backup-folder', 'sqlite-backup')).toContain('integrity_check ok');
    const backups = path.join(machine.dir, 'backups');
    expect(ownerAndMode(backups)).toBe(`${owner} 700`);
    const backupFiles = readdirSync(backups);
    expect(backupFiles).toHaveLength(2);
    for (const name of backupFiles) expect(ownerAndMode(path.join(backups, name))).toBe(`${owner} 600`);
    const backup = path.join(backups, backupFiles.find((name) => name.endsWith('.sqlite')) ?? '');

    await machine.command('systemctl stop gatehouse@3000');
    expect(machine.running()).toHaveLength(0);
    // Root restoring without the helper would leave files the service cannot open: refused, nothing changed.
    const asRoot = await runCliProcess({ DATA_DIR: machine.dataDir }, 'restore', backup, '--force');
    expect(asRoot.err).toMatch(/belongs to user id \d+, not to the user running this command/);
    expect(asRoot.status).toBe(2);
    const restored = await machine.shell('sqlite-restore');
    expect(restored).toMatch(/Practice ACME: \d+ events, intact\./);
    const [again] = machine.running();
    for (const name of dataFiles) expect(ownerAndMode(path.join(machine.dataDir, name))).toBe(`${owner} 600`);
    const client = new HttpClient(again?.url ?? '');
    const login = await client.post<{ next: string }>('/api/auth/login', {
      practiceCode: admin.practiceCode,
      username: admin.username,
      password: NEW_PASSWORD,
    });
    expect(login.body.next, login.text).toBe('signed_in');

    // operations.md's nightly jobs, as root's crontab runs them: sh, a bare PATH, `\%` read as `%`.
    mkdirSync(path.join(machine.dir, 'secure'));
    for (const job of ['backup', 'audit checkpoint']) {
      const line = new RegExp(`\`\\d+ \\d+ \\* \\* \\* (cd /opt/gatehouse [^\`]* ${job} [^\`]+)\``).exec(
        readFileSync('docs/operations.md', 'utf8'),
      )?.[1];
      expect(line, `the ${job} line of operations.md`).toBeDefined();
      const command = substitute((line ?? '').replaceAll('\\%', '%'), [
        ['/secure', path.join(machine.dir, 'secure')],
        ...machine.substitutions,
      ]);
      // Debian's cron gives jobs PATH=/usr/bin:/bin, where runuser is not.
      execFileSync('sh', ['-c', command], {
        env: { PATH: '/usr/bin:/bin', HOME: '/root' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    const nightly = readdirSync(backups).filter((name) => /^gatehouse-\d{8}T\d{6}Z\.sqlite$/.test(name));
    expect(nightly).toHaveLength(2);
    for (const name of nightly) expect(ownerAndMode(path.join(backups, name))).toBe(`${owner} 600`);
    const checkpoints = readFileSync(path.join(machine.dir, 'secure/gatehouse-checkpoints.jsonl'), 'utf8');
    expect(checkpoints).toMatch(/"chainId"/);

    // keys-and-backup.md: rotating the generated key, as written; two-factor codes work throughout.
    const nextCode = await enrolTotp(client, NEW_PASSWORD);
    const secretKey = path.join(machine.dataDir, 'secret.key');
    const oldKey = readFileSync(secretKey);
    const rotated = await machine.shell('sqlite-rotate');
    expect(rotated).toMatch(/re-encrypted 1 TOTP secrets in this run; 1 use the current key, 0 do not\./);
    expect(readFileSync(secretKey).equals(oldKey)).toBe(false);
    expect(ownerAndMode(secretKey)).toBe(`${owner} 600`);
    expect(existsSync(path.join(machine.dataDir, 'secret.previous.key'))).toBe(false);
    // The old key is kept with the backups it opens, as private as they are.
    const keptKeys = readdirSync(backups).filter((name) => name.startsWith('secret.previous.key-'));
    expect(keptKeys).toHaveLength(1);
    const keptKey = path.join(backups, keptKeys[0] ?? '');
    expect(ownerAndMode(keptKey)).toBe(`${owner} 600`);
    expect(readFileSync(keptKey).equals(oldKey)).toBe(true);
    const [restarted, ...more] = machine.running();
    expect(more).toHaveLength(0);
    expect(restarted).not.toBe(again);
    expect(restarted?.output()).not.toMatch(/previous key/i);
    // The log's checkpoint, re-signed under the new key as the server restarted, checks out with it alone.
    expect(await machine.command('gatehouse audit verify')).toMatch(/Practice ACME: \d+ events, intact\./);
    await signInWithCode(
      new HttpClient(restarted?.url ?? ''),
      { ...admin, password: NEW_PASSWORD },
      await nextCode(),
    );
  });

  it('reads the settings file alike in the helper and the unit, and the helper stops at a line bash cannot read', async () => {
    const machine = await guideMachine();
    machines.push(machine);
    await machine.shell('sqlite-env', 'mail-from');
    const mailFrom = async () => {
      const printed = JSON.parse(await machine.command('gatehouse config --json')) as {
        variables: Array<{ name: string; value: string; source: string }>;
      };
      return printed.variables.find((variable) => variable.name === 'MAIL_FROM');
    };
    const expected = 'Acme Gatehouse <gatehouse@acme.example>';
    expect(await mailFrom()).toMatchObject({ value: expected, source: 'environment' });
    const unit = unitCommand(substitute(guideBlock('unit'), machine.substitutions), '3000');
    expect(unit.env.MAIL_FROM).toBe(expected);

    // The line as the guide once gave it: bash reads "<" as a redirection.
    appendFileSync(path.join(machine.dir, 'etc/gatehouse.env'), `MAIL_FROM=${expected}\nLOG_LEVEL=debug\n`);
    await expect(machine.command('gatehouse config --json')).rejects.toThrow(/syntax error/);
    rmSync(path.join(machine.dir, 'etc/gatehouse.env'));
    await expect(machine.command('gatehouse config --json')).rejects.toThrow(/No such file or directory/);
  });

  it.runIf(existsSync('/usr/bin/systemd-analyze'))(
    'has a unit that systemd-analyze verifies without a word',
    async () => {
      const machine = await guideMachine();
      machines.push(machine);
      await machine.shell('sqlite-env');
      const unitFile = path.join(machine.dir, 'gatehouse@.service');
      writeFileSync(unitFile, substitute(guideBlock('unit'), machine.substitutions));
      const result = spawnSync(
        'systemd-analyze',
        ['verify', path.join(machine.dir, 'gatehouse@3000.service')],
        {
          cwd: machine.dir,
          encoding: 'utf8',
        },
      );
      expect(result.stderr.trim()).toBe('');
      expect(result.status).toBe(0);
    },
  );

  it('gives an SMTP_URL that nodemailer reads as TLS to the named host with the percent-decoded user', () => {
    const url = /SMTP_URL=([^'\s]+)/.exec(guideBlock('smtp'))?.[1] ?? '';
    const transport = nodemailer.createTransport(url);
    expect(transport.options).toMatchObject({
      host: 'smtp.example.org',
      port: 465,
      secure: true,
      auth: { user: 'gatehouse@example.org' },
    });
  });
});
