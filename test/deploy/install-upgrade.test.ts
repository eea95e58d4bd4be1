import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import { guideBlock, runShell, shellEnvironment, substitute } from './guide.js';
import { guideMachine, ownerAndMode, type FirstAdmin, type GuideMachine } from './guide-machine.js';

/**
 * docs/deploy.md from nothing, as written: the install block (this checkout's HEAD, `npm ci` from
 * npm's cache as CI fills it, with this checkout's build of the native SQLite module standing in
 * for the one npm would download), the database and its own role, three instances of the installed
 * code; then section 6's upgrade to a version with one more migration (HEAD plus that migration,
 * committed in a checkout of its own), its backup included, and the way back of
 * keys-and-backup.md: the old code, and the backup restored into a new, empty database.
 */
const NEW_PASSWORD = 'Quiet harbour lanterns 4 deploy guide';
/** The table the new version's migration adds. */
const UPGRADE_TABLE = 'deploy_test_upgrade';

const adminUrl = inject('databaseUrl');
/** The guide's database and role, named for this run (dropped with the run's databases). */
const database = `${new URL(adminUrl).pathname.slice(1)}_gatehouse`;
const role = `gatehouse_deploy_${process.pid}`;

let base: string;
let installDir: string;
let machine: GuideMachine;
let admin: FirstAdmin;

async function query<Row extends object>(text: string, params: unknown[] = []): Promise<Row[]> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * This checkout's build of better-sqlite3's native module, packed as the prebuilt binary its
 * install script (prebuild-install) downloads on a machine that reaches GitHub. Offered in a
 * local folder (`npm_config_better_sqlite3_local_prebuilds`: "Local prebuilds" in
 * node_modules/prebuild-install/README.md), it is taken instead of compiling SQLite twice (once
 * per `npm ci`, over a minute each).
 */
function nativePrebuilds(folder: string): string {
  const module = path.resolve('node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(path.join(module, 'package.json'), 'utf8')) as {
    version: string;
  };
  // prebuild-install's file name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}, no libc on glibc.
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}`;
  mkdirSync(folder);
  execFileSync('tar', [
    ...['-czf', path.join(folder, `${name}.tar.gz`)],
    ...['-C', module, 'build/Release/better_sqlite3.node'],
  ]);
  return folder;
}

/** The installed native module came unpacked from the prebuild, not compiled (no node-gyp Makefile). */
function expectPrebuiltSqlite(): void {
  const build = path.join(installDir, 'node_modules/better-sqlite3/build');
  expect(existsSync(path.join(build, 'Release/better_sqlite3.node'))).toBe(true);
  expect(existsSync(path.join(build, 'Makefile'))).toBe(false);
}

const tableExists = async (name: string) =>
  (await query<{ found: boolean }>('select to_regclass($1) is not null as found', [name]))[0]?.found;

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'gatehouse-install-'));
  // The service user reaches the installed code inside.
  chmodSync(base, 0o755);
  installDir = path.join(base, 'gatehouse');
  machine = await guideMachine({
    installDir,
    env: {
      // CI's `npm ci` filled npm's cache; the guide's own `npm ci` takes the packages from there.
      npm_config_prefer_offline: 'true',
      npm_config_better_sqlite3_local_prebuilds: nativePrebuilds(path.join(base, 'prebuilds')),
    },
    substitutions: [
      ['createdb --owner gatehouse gatehouse_restored', `createdb --owner ${role} ${database}_restored`],
      ['createdb --owner gatehouse gatehouse', `createdb --owner ${role} ${database}`],
      ['create role gatehouse login', `create role ${role} login`],
      ['postgres://gatehouse:', `postgres://${role}:`],
      ['@127.0.0.1:5432/gatehouse', `@127.0.0.1:5432/${database}`],
      ['psql gatehouse -c', `psql ${database} -c`],
      ['pg_dump --format=custom gatehouse', `pg_dump --format=custom ${database}`],
      ['--role=gatehouse', `--role=${role}`],
      ['--dbname=gatehouse_restored', `--dbname=${database}_restored`],
      [
        'alter database gatehouse rename to gatehouse_replaced',
        `alter database ${database} rename to ${database}_replaced`,
      ],
      [
        'alter database gatehouse_restored rename to gatehouse',
        `alter database ${database}_restored rename to ${database}`,
      ],
    ],
  });
});

afterAll(async () => {
  await machine?.close();
  rmSync(base, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of [database, `${database}_restored`, `${database}_replaced`])
    await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`drop role if exists ${role}`);
  await admin.end();
});

async function signIn(password: string): Promise<{ next: string }> {
  const [instance] = machine.running();
  const login = await new HttpClient(instance?.url ?? '').post<{ next: string }>('/api/auth/login', {
    practiceCode: admin.practiceCode,
    username: admin.username,
    password,
  });
  expect(login.status, login.text).toBe(200);
  return login.body;
}

describe('docs/deploy.md installed from nothing, upgraded and rolled back on PostgreSQL', () => {
  it("gives up the upgrade's rolling restart at the first instance that is not ready, leaving the others", async () => {
    // systemd's `restart` returns once the process is started, ready or not (Type=simple): here it
    // does nothing and no instance answers yet. The block's loop as written, its 60 s wait made 2 s.
    const loop = /^for port in [\s\S]*?^done$/m.exec(guideBlock('upgrade'))?.[0];
    expect(loop, "the upgrade block's rolling restart").toBeDefined();
    const script = substitute(loop ?? '', [['timeout 60 ', 'timeout 2 '], ...machine.substitutions]);
    const printed = await runShell(`systemctl() { :; }\n${script}`, {
      env: shellEnvironment(),
      systemctlUrl: '',
    });
    const first = `gatehouse@${machine.port(3001)}`;
    expect(printed).toBe(`${first} is not ready after 60 s: journalctl -u ${first}\n`);
  });

  it(
    'installs root-owned code with its build, and serves three instances from it',
    { timeout: 600_000 },
    async () => {
      await machine.shell('install');
      expect(ownerAndMode(path.join(installDir, 'dist/src/server.cjs'))).toMatch(/^0:0 /);
      expect(existsSync(path.join(installDir, 'dist/web/index.html'))).toBe(true);
      expect(existsSync(path.join(installDir, '.git'))).toBe(false);
      expectPrebuiltSqlite();

      await machine.shell('postgres-database', 'postgres-env');
      expect(await machine.shell('postgres-migrate')).toContain('The postgres database is up to date.');
      // The role the guide made owns what migrate made, so a restore can give it back the same.
      expect(
        await query<{ tableowner: string }>("select tableowner from pg_tables where tablename = 'users'"),
      ).toEqual([{ tableowner: role }]);
      admin = await machine.createFirstPractice();
      await machine.shell('postgres-start');
      expect(machine.running().map((instance) => instance.port)).toEqual(
        [3001, 3002, 3003].map(machine.port),
      );
      expect((await signIn(admin.temporaryPassword)).next).toBe('password_change');
      const [instance] = machine.running();
      const client = new HttpClient(instance?.url ?? '');
      await client.post('/api/auth/login', {
        practiceCode: admin.practiceCode,
        username: admin.username,
        password: admin.temporaryPassword,
      });
      const changed = await client.post<{ next: string }>('/api/auth/password-change', {
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      expect(changed.body.next, changed.text).toBe('signed_in');
      // operations.md's look at the mail queue: the password-change email goes out, and the queue empties.
      await expect.poll(() => machine.shell('mail-queue'), { timeout: 30_000 }).toMatch(/^\s*0 \|\s+\|\s*$/m);
    },
  );

  it(
    'upgrades to a version with a new migration: a backup first, migrate, each instance restarted and ready',
    { timeout: 600_000 },
    async () => {
      const checkout = path.join(base, 'checkout');
      execFileSync('sh', ['-c', `mkdir ${checkout} && git archive HEAD | tar -x -C ${checkout}`]);
      const migrate = path.join(checkout, 'src/store/migrate.ts');
      const migrations = readFileSync(migrate, 'utf8').replace(
        /^(const MIGRATIONS[\s\S]*?)\n};/m,
        `$1\n  '9999-deploy-test': {\n    up: async (db) => {\n      await db.schema.createTable('${UPGRADE_TABLE}').addColumn('id', 'text').execute();\n    },\n  },\n};`,
      );
      expect(migrations).toContain(UPGRADE_TABLE);
      writeFileSync(migrate, migrations);
      const git = (...args: string[]) =>
        execFileSync(
          'git',
          ['-c', 'user.name=Deploy test', '-c', 'user.email=deploy@test.invalid', ...args],
          {
            cwd: checkout,
            stdio: 'ignore',
          },
        );
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'next version');

      await machine.shell('backup-folder');
      const before = machine.running();
      const printed = await machine.shellIn(checkout, 'upgrade');
      expect(printed).not.toContain('is not ready');
      expect(await tableExists(UPGRADE_TABLE)).toBe(true);
      // Each instance was restarted, from the new code.
      const after = machine.running();
      expect(after).toHaveLength(3);
      for (const instance of after) expect(before).not.toContain(instance);
      expect(existsSync(path.join(base, 'gatehouse.old/dist/src/server.cjs'))).toBe(true);
      expect(readFileSync(path.join(installDir, 'src/store/migrate.ts'), 'utf8')).toContain(UPGRADE_TABLE);
      expectPrebuiltSqlite();
      // The backup the block took, readable by root only.
      const backups = path.join(machine.dir, 'backups');
      const dumps = readdirSync(backups).filter((name) => /^gatehouse-\d{8}T\d{6}Z\.dump$/.test(name));
      expect(dumps).toHaveLength(1);
      expect(ownerAndMode(path.join(backups, dumps[0] ?? ''))).toBe('0:0 600');
      expect((await signIn(NEW_PASSWORD)).next).toBe('signed_in');
    },
  );

  it(
    'goes back: the old code, the backup restored into a new database owned by the role, verified, serving',
    { timeout: 300_000 },
    async () => {
      const printed = await machine.shell('rollback-code', 'postgres-restore');
      expect(printed).toMatch(/Practice ACME: \d+ events, intact\./);
      expect(readFileSync(path.join(installDir, 'src/store/migrate.ts'), 'utf8')).not.toContain(
        UPGRADE_TABLE,
      );
      expect(await tableExists(UPGRADE_TABLE)).toBe(false);
      expect(
        await query<{ tableowner: string }>("select tableowner from pg_tables where tablename = 'users'"),
      ).toEqual([{ tableowner: role }]);
      const replaced = await query<{ datname: string }>(
        'select datname from pg_database where datname = $1',
        [`${database}_replaced`],
      );
      expect(replaced).toHaveLength(1);
      expect(machine.running()).toHaveLength(3);
      expect((await signIn(NEW_PASSWORD)).next).toBe('signed_in');
    },
  );
});
