import { existsSync, mkdirSync, statSync } from 'node:fs';
import {
  checkGatehouseSqlite,
  copySqliteDatabase,
  isSqliteInUse,
  removeWithSideFiles,
  replaceSqliteDatabase,
} from '../store/sqlite-file.js';
import {
  keyFileCopies,
  keyFilesDiffer,
  liveDatabaseFile,
  mirrorKeyFile,
  sqliteBackupStart,
} from './backup-files.js';
import type { Command } from './command.js';

const STOP_THE_SERVER = 'Stop the server (and any other gatehouse command) first, then run this again.';

export const restoreCommand: Command = {
  path: ['restore'],
  summary: 'Put a SQLite backup (and its key file) in place under DATA_DIR',
  usage: `gatehouse restore FILE [--force]

Stop the server first, and run it as the server's user. Checks that FILE is a Gatehouse
SQLite database passing PRAGMA integrity_check, then makes it the database under DATA_DIR,
with the key files saved beside it (FILE.secret.key, FILE.secret.previous.key) as DATA_DIR's
key files. Refuses while a server or another command has the database open, or when DATA_DIR
belongs to another user, and refuses to replace an existing database or a different key
without --force. Check the result with "gatehouse audit verify".

With DATABASE_URL (PostgreSQL) it prints the pg_restore command to use instead and exits 2.
docs/keys-and-backup.md has the whole procedure.`,
  positionals: ['file'],
  options: { force: { type: 'boolean' } },
  async run(values, io) {
    const start = sqliteBackupStart('restore', values, io);
    if (typeof start === 'number') return start;
    const { config, file } = start;
    const foreignOwner = dataDirOwnedByAnother(config.dataDir);
    if (foreignOwner !== undefined) {
      io.err(
        `${config.dataDir} belongs to user id ${foreignOwner}, not to the user running this command: files ` +
          'restored now would be theirs to lose, and the server could not open them. Run it as the ' +
          'owner (docs/deploy.md has a gatehouse command that does); nothing was changed.\n',
      );
      return 2;
    }
    const check = checkGatehouseSqlite(file);
    if (!check.ok) {
      io.err(`${file} ${check.problem}; nothing was changed.\n`);
      return 2;
    }
    const target = liveDatabaseFile(config.dataDir);
    const keys = keyFileCopies(config.dataDir, file);
    // A backup without a key file leaves DATA_DIR's keys alone; one with it replaces them.
    const backupHasKey = existsSync(keys[0].copy);
    const keyChanges = backupHasKey
      ? keys.filter(({ live, copy }) => existsSync(live) && keyFilesDiffer(live, copy))
      : [];
    if (!values.force && (existsSync(target) || keyChanges.length > 0)) {
      const what = existsSync(target) ? `${target} exists` : `${keyChanges[0]?.live} holds another key`;
      io.err(`${what}; add --force to replace it with the backup. ${STOP_THE_SERVER}\n`);
      return 2;
    }
    if (isSqliteInUse(target)) {
      io.err(`${target} is in use. ${STOP_THE_SERVER}\n`);
      return 2;
    }
    mkdirSync(config.dataDir, { recursive: true });
    const incoming = `${target}.restoring`;
    try {
      await copySqliteDatabase(file, incoming);
      // Checked again just before the swap: a server started meanwhile must not lose its file.
      if (isSqliteInUse(target)) {
        io.err(`${target} is in use. ${STOP_THE_SERVER}\n`);
        return 2;
      }
      replaceSqliteDatabase(incoming, target);
    } finally {
      removeWithSideFiles(incoming);
    }
    io.out(`Restored ${file} to ${target}.\n`);
    const restoredKeys = backupHasKey ? keys.filter(({ live, copy }) => mirrorKeyFile(copy, live)) : [];
    for (const { live } of restoredKeys) io.out(`Restored the key file ${live}.\n`);
    if (config.secretKey !== undefined) {
      io.out(
        'GATEHOUSE_SECRET_KEY is set and is used instead of any key file: it must be the key this backup ' +
          'was made with.\n',
      );
    } else if (restoredKeys.length === 0) {
      io.out(
        `The backup has no key file beside it: unless ${keys[0].live} is the key it was made with, ` +
          'users with two-factor authentication need it removed and must enrol again.\n',
      );
    }
    io.out('Check it with "gatehouse audit verify", then start the server.\n');
    return 0;
  },
};

/**
 * The owner of DATA_DIR when it is not the user running this (e.g. root restoring for the
 * service user): the database and key files it would write would not be the server's.
 */
function dataDirOwnedByAnother(dataDir: string): number | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || !existsSync(dataDir)) return undefined;
  const owner = statSync(dataDir).uid;
  return owner === uid ? undefined : owner;
}
