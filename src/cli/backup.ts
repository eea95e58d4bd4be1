import { existsSync } from 'node:fs';
import { checkGatehouseSqlite, copySqliteDatabase } from '../store/sqlite-file.js';
import { keyFileCopies, liveDatabaseFile, mirrorKeyFile, sqliteBackupStart } from './backup-files.js';
import type { Command } from './command.js';

export const backupCommand: Command = {
  path: ['backup'],
  summary: 'Copy the SQLite database and its key file while the server runs',
  usage: `gatehouse backup FILE [--force]

Writes a consistent copy of the SQLite database under DATA_DIR to FILE, safe while the server
runs and writes, and checks the copy with PRAGMA integrity_check. The key that opens its TOTP
secrets is copied beside it as FILE.secret.key (mode 0600; and FILE.secret.previous.key in the
middle of a key rotation): keep them together, and as private as the key itself. A key given
in GATEHOUSE_SECRET_KEY is not copied: keep it with the backup in your secret store. Refuses
to overwrite FILE without --force. Never prints a key.

With DATABASE_URL (PostgreSQL) it prints the pg_dump command to use instead and exits 2.
Restore with "gatehouse restore"; docs/keys-and-backup.md has the whole procedure.`,
  positionals: ['file'],
  options: { force: { type: 'boolean' } },
  async run(values, io) {
    const start = sqliteBackupStart('backup', values, io);
    if (typeof start === 'number') return start;
    const { config, file } = start;
    const database = liveDatabaseFile(config.dataDir);
    if (!existsSync(database)) {
      io.err(`There is no database at ${database}: check DATA_DIR.\n`);
      return 2;
    }
    if (file === database) {
      io.err('The backup file cannot be the database itself.\n');
      return 2;
    }
    if (existsSync(file) && !values.force) {
      io.err(`${file} exists; add --force to overwrite it.\n`);
      return 2;
    }
    await copySqliteDatabase(database, file);
    const check = checkGatehouseSqlite(file);
    if (!check.ok) throw new Error(`the copy ${check.problem}`);
    io.out(`Backed up ${database} to ${file} (integrity_check ok).\n`);
    if (config.secretKey !== undefined) {
      io.out(
        'The secret key comes from GATEHOUSE_SECRET_KEY and is not in the backup: keep it (and ' +
          'GATEHOUSE_PREVIOUS_SECRET_KEY during a rotation) with this backup in your secret store.\n',
      );
      return 0;
    }
    const copied = keyFileCopies(config.dataDir, file).filter(({ live, copy }) => mirrorKeyFile(live, copy));
    if (copied.length === 0) io.out(`No key file in ${config.dataDir}: the backup holds no key.\n`);
    for (const { copy } of copied)
      io.out(`Copied the key file to ${copy} (mode 0600): keep it with the backup.\n`);
    return 0;
  },
};
