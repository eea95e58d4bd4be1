import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStore, SQLITE_FILE } from '../../src/store/database.js';
import { runCli, runCliProcess, runProcess } from '../support/cli.js';
import {
  enrolTotpNow,
  keepWriting,
  seedLiveAccounts,
  serverProcesses,
  signInWithLaterCode,
  sqliteEnv,
} from '../support/live-accounts.js';
import type { SeededAccount } from '../support/seed-accounts.js';
import { INSTANCE_KEY, tempDataDir } from '../support/server-process.js';

/**
 * `gatehouse backup` / `gatehouse restore` on SQLite against real server processes (the
 * commands run in this test's process, which is not the server's: the server's connection is
 * what the commands must cope with or detect): a backup taken while a server is writing
 * restores into a fresh DATA_DIR, passes `audit verify`, and its key file lets an enrolled user
 * sign in with a TOTP code. On PostgreSQL the commands point to pg_dump / pg_restore, and the
 * documented commands round-trip a database that passes `audit verify`.
 */
const WRITERS = 4;

const servers = serverProcesses();
afterAll(servers.killAll);

describe('SQLite: gatehouse backup and restore', () => {
  it('backs up while the server writes; the restore passes audit verify and signs in with TOTP', async () => {
    const dataDir = tempDataDir();
    const seeded = await seedLiveAccounts(openStore({ dataDir }), 1 + WRITERS);
    const [enrolled, ...writers] = seeded.accounts as [SeededAccount, ...SeededAccount[]];
    const server = await servers.start(sqliteEnv(dataDir));

    const secret = await enrolTotpNow(server, seeded.code, enrolled);

    const writing = keepWriting(server, seeded.code, writers);
    await writing.reached(5);
    const file = path.join(tempDataDir(), 'gatehouse-backup.sqlite');
    const beforeBackup = writing.acknowledged();
    const backup = await runCli(sqliteEnv(dataDir), 'backup', file);
    expect(backup.err).toBe('');
    expect(backup.status).toBe(0);
    // The loops kept sign-ins in flight around the backup: the server went on writing.
    await writing.reached(beforeBackup + WRITERS);
    await writing.stop();
    const key = readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim();
    expect(backup.out).toContain('integrity_check ok');
    expect(backup.out).not.toContain(key);
    expect(readFileSync(`${file}.secret.key`, 'utf8').trim()).toBe(key);
    expect(statSync(`${file}.secret.key`).mode & 0o777).toBe(0o600);
    // One self-contained file: nothing beside it to forget.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect((await runCli(sqliteEnv(dataDir), 'backup', file)).status).toBe(2);

    const restoredDir = tempDataDir();
    const restore = await runCli(sqliteEnv(restoredDir), 'restore', file);
    expect(restore.err).toBe('');
    expect(restore.status).toBe(0);
    expect(readFileSync(path.join(restoredDir, 'secret.key'), 'utf8').trim()).toBe(key);
    const verify = await runCli(sqliteEnv(restoredDir), 'audit', 'verify');
    expect(verify.status).toBe(0);
    expect(verify.out).toMatch(/Practice LIVE\w+: \d+ events, intact\./);
    const restoredStore = openStore({ dataDir: restoredDir });
    const signIns = await restoredStore.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('type', '=', 'login.succeeded')
      .executeTakeFirstOrThrow()
      .finally(() => restoredStore.close());
    // Every sign-in acknowledged before the backup started is in it (plus the enrolled user's).
    expect(Number(signIns.n)).toBeGreaterThanOrEqual(beforeBackup + 1);

    const restored = await servers.start(sqliteEnv(restoredDir));
    expect(await signInWithLaterCode(restored, seeded.code, enrolled, secret)).toBe(200);

    // Restoring over the running server's database: refused without --force, and refused with it.
    const over = await runCli(sqliteEnv(dataDir), 'restore', file);
    expect(over.status).toBe(2);
    expect(over.err).toContain('add --force');
    const forced = await runCli(sqliteEnv(dataDir), 'restore', file, '--force');
    expect(forced.status).toBe(2);
    expect(forced.err).toContain('is in use. Stop the server');
    await server.kill();
    const afterStop = await runCli(sqliteEnv(dataDir), 'restore', file, '--force');
    expect(afterStop.status).toBe(0);
  });

  it('refuses a file that is not a sound Gatehouse database, and changes nothing', async () => {
    const dir = tempDataDir();
    const notADatabase = path.join(dir, 'notes.sqlite');
    writeFileSync(notADatabase, randomBytes(8192));
    const refused = await runCli(sqliteEnv(dir), 'restore', notADatabase);
    expect(refused.status).toBe(2);
    expect(refused.err).toMatch(/not a readable SQLite database|integrity_check/);
    const other = path.join(dir, 'other.sqlite');
    const otherDb = new SQLite(other);
    otherDb.exec('create table t (x)');
    otherDb.close();
    const foreign = await runCli(sqliteEnv(dir), 'restore', other);
    expect(foreign.status).toBe(2);
    expect(foreign.err).toContain('is not a Gatehouse database');
    expect(existsSync(path.join(dir, SQLITE_FILE))).toBe(false);
  });

  it('backup and restore answer --help, as `npx gatehouse` runs them', async () => {
    for (const command of ['backup', 'restore']) {
      const help = await runCliProcess({}, command, '--help');
      expect(help.status).toBe(0);
      expect(help.out).toContain(`Usage: gatehouse ${command} FILE`);
    }
  });

  it('take one FILE: none, or one too many, is a usage error', async () => {
    const missing = await runCli(sqliteEnv(tempDataDir()), 'backup');
    expect(missing.status).toBe(2);
    expect(missing.err).toContain('Name the backup file');
    const extra = await runCli(sqliteEnv(tempDataDir()), 'restore', 'a.sqlite', 'b.sqlite');
    expect(extra.status).toBe(2);
    expect(extra.err).toContain('Unexpected argument "b.sqlite"');
    // Commands without words after them still refuse any.
    expect((await runCli({}, 'migrate', 'now')).status).toBe(2);
  });
});

describe('PostgreSQL: pg_dump / pg_restore, as the commands say', () => {
  it('backup and restore explain pg_dump and pg_restore, exit 2, and never print DATABASE_URL', async () => {
    const databaseUrl = `${inject('databaseUrl')}?password=not-printed`;
    for (const command of ['backup', 'restore']) {
      const run = await runCli({ DATABASE_URL: databaseUrl }, command, 'gatehouse.dump');
      expect(run.status).toBe(2);
      expect(run.err).toContain('pg_dump --format=custom --file=gatehouse.dump "$DATABASE_URL"');
      expect(run.err).toContain('pg_restore --no-owner --exit-on-error');
      expect(run.err).not.toContain('not-printed');
    }
  });

  it('a pg_dump -Fc restored with pg_restore into a new database passes audit verify', async () => {
    const base = new URL(inject('databaseUrl'));
    const sourceName = `${base.pathname.slice(1)}_dump_${randomBytes(4).toString('hex')}`;
    const restoredName = `${sourceName}_restored`;
    const urlOf = (name: string) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();
    const createdb = (name: string) =>
      runProcess('createdb', ['-h', base.hostname, '-p', base.port || '5432', '-U', base.username, name]);
    expect((await createdb(sourceName)).status).toBe(0);
    const seeded = await seedLiveAccounts(
      openStore({ databaseUrl: urlOf(sourceName), dataDir: tempDataDir() }),
      4,
    );
    // The servers' key: `audit verify` checks the checkpoints they signed with it.
    const pgEnv = {
      DATA_DIR: tempDataDir(),
      DATABASE_URL: urlOf(sourceName),
      GATEHOUSE_SECRET_KEY: INSTANCE_KEY,
    };
    const server = await servers.start(pgEnv);
    const writing = keepWriting(server, seeded.code, seeded.accounts);
    await writing.reached(10);

    const file = path.join(tempDataDir(), 'gatehouse.dump');
    const dump = await runProcess('pg_dump', ['--format=custom', `--file=${file}`, urlOf(sourceName)]);
    await writing.stop();
    expect(dump.err).toBe('');
    expect(dump.status).toBe(0);
    expect((await createdb(restoredName)).status).toBe(0);
    const restore = await runProcess('pg_restore', [
      '--no-owner',
      '--exit-on-error',
      `--dbname=${urlOf(restoredName)}`,
      file,
    ]);
    expect(restore.err).toBe('');
    expect(restore.status).toBe(0);

    const verify = await runCli({ ...pgEnv, DATABASE_URL: urlOf(restoredName) }, 'audit', 'verify');
    expect(verify.status).toBe(0);
    expect(verify.out).toMatch(/Practice LIVE\w+: \d+ events, intact\./);
  });
});
