import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { configFromEnv, type Config } from '../config.js';
import { SQLITE_FILE } from '../store/database.js';
import { PREVIOUS_SECRET_KEY_FILE, SECRET_KEY_FILE } from '../secret-key.js';
import type { CommandIo } from './command.js';

/**
 * What a SQLite backup is made of: the database file, and beside it copies of the key files
 * that open its TOTP secrets (`<backup>.secret.key`, and `<backup>.secret.previous.key` in the
 * middle of a rotation). Without the key the backup restores, but everyone's two-factor
 * authentication has to be removed and enrolled again. Key copies are mode 0600 like the keys.
 */
export interface KeyFileCopy {
  /** The key file in DATA_DIR. */
  readonly live: string;
  /** Its copy beside the backup. */
  readonly copy: string;
}

/**
 * What `backup FILE` and `restore FILE` start from: the configuration and FILE made absolute;
 * or the exit status when they stop here (no FILE; PostgreSQL, where the instructions are printed).
 */
export function sqliteBackupStart(
  command: 'backup' | 'restore',
  values: Readonly<Record<string, string | boolean | undefined>>,
  io: CommandIo,
): { readonly config: Config; readonly file: string } | number {
  const config = configFromEnv(io.env);
  if (typeof values.file !== 'string') {
    io.err(`Name the backup file: gatehouse ${command} FILE\n`);
    return 2;
  }
  if (config.databaseUrl !== undefined) {
    io.err(postgresInstructions(values.file));
    return 2;
  }
  return { config, file: path.resolve(values.file) };
}

export function liveDatabaseFile(dataDir: string): string {
  return path.join(dataDir, SQLITE_FILE);
}

/** The current key's pair first, then the previous key's. */
export function keyFileCopies(dataDir: string, backupFile: string): readonly [KeyFileCopy, KeyFileCopy] {
  const pair = (name: string) => ({ live: path.join(dataDir, name), copy: `${backupFile}.${name}` });
  return [pair(SECRET_KEY_FILE), pair(PREVIOUS_SECRET_KEY_FILE)];
}

/** Makes `to` a private copy of `from`, or removes `to` when there is no `from`. */
export function mirrorKeyFile(from: string, to: string): boolean {
  if (!existsSync(from)) {
    rmSync(to, { force: true });
    return false;
  }
  copyFileSync(from, to);
  chmodSync(to, 0o600);
  return true;
}

/** Whether two key files (either may be missing) hold different keys. */
export function keyFilesDiffer(a: string, b: string): boolean {
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  return read(a) !== read(b);
}

/**
 * With PostgreSQL the database server's own tools do this: the explanation printed instead,
 * with the commands (DATABASE_URL is named, never printed: it may hold a password).
 */
export function postgresInstructions(file: string): string {
  return `With DATABASE_URL (PostgreSQL) the database is backed up and restored with PostgreSQL's own tools,
online and consistent:

  Back up:   pg_dump --format=custom --file=${file} "$DATABASE_URL"
  Restore:   createdb -h HOST -U ADMIN --owner USER gatehouse_restored
             pg_restore --no-owner --exit-on-error --role=USER --dbname=postgres://ADMIN@HOST/gatehouse_restored ${file}
  Check:     DATABASE_URL=postgres://USER@HOST/gatehouse_restored gatehouse audit verify

Restore into a new, empty database owned by Gatehouse's role USER (--role makes the tables
its own), then point DATABASE_URL at it or rename it into the old one's place. Restoring over
the old database with --clean leaves a newer version's tables behind. GATEHOUSE_SECRET_KEY is
not in the dump: keep it with the backup in your secret store. See docs/keys-and-backup.md.
`;
}
