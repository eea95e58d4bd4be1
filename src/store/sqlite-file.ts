import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

/**
 * The SQLite database as a file, for `gatehouse backup` and `gatehouse restore`.
 *
 * - A copy is SQLite's online backup (better-sqlite3 `backup()`), all pages in one step: one
 *   read transaction, so one consistent moment, which in WAL mode never blocks the server's
 *   writers; a write between steps would only make SQLite start the copy again.
 * - The copy is switched to rollback-journal mode: one self-contained file, no -wal beside it
 *   to forget. The server switches it back to WAL when it opens it.
 * - A server keeps its database in WAL mode, and in that mode every open connection holds a
 *   shared lock on the file; leaving WAL mode needs that no other connection holds one. So
 *   "can this connection leave WAL mode" is a reliable "is a server using it" (isSqliteInUse).
 */

/** Tables every Gatehouse database has, from its first migration on. */
const GATEHOUSE_TABLES = ['kysely_migration', 'practices', 'users', 'audit_events', 'audit_chains'];
/** Pages per backup step: all of them (see above). */
const ALL_PAGES = 0x7fffffff;
/** Files SQLite keeps beside a database; stale ones must never meet another database's file. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

export type SqliteCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** Whether `file` is a SQLite database that passes PRAGMA integrity_check and has Gatehouse's tables. */
export function checkGatehouseSqlite(file: string): SqliteCheck {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { ok: false, problem: `cannot be opened (${(error as Error).message})` };
  }
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    if (rows.length !== 1 || rows[0]?.integrity_check !== 'ok') {
      const first = rows.slice(0, 3).map((row) => row.integrity_check);
      return { ok: false, problem: `fails PRAGMA integrity_check: ${first.join('; ')}` };
    }
    const tables = new Set(
      db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[],
    );
    const missing = GATEHOUSE_TABLES.filter((table) => !tables.has(table));
    if (missing.length > 0)
      return { ok: false, problem: `is not a Gatehouse database (no table ${missing.join(', ')})` };
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: `is not a readable SQLite database (${(error as Error).message})` };
  } finally {
    db.close();
  }
}

/** True while another connection (a running server, another command) has the database open. */
export function isSqliteInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new SQLite(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    return false;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    // A damaged file is no server's working database; replacing it may be why we are here.
    if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return false;
    throw error;
  } finally {
    db.close();
  }
}

/** A consistent copy of `source` (which may be in use) written to `destination` as one file. */
export async function copySqliteDatabase(source: string, destination: string): Promise<void> {
  const partial = `${destination}.partial`;
  removeWithSideFiles(partial);
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  const copy = new SQLite(partial);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  syncFile(partial);
  renameSync(partial, destination);
  syncFile(path.dirname(destination));
}

/**
 * Puts `incoming` (a checked copy) in place of `target`, dropping the target's stale -wal and
 * -shm first: an old WAL replayed onto another database file would corrupt it.
 */
export function replaceSqliteDatabase(incoming: string, target: string): void {
  for (const suffix of SIDE_FILES) rmSync(`${target}${suffix}`, { force: true });
  renameSync(incoming, target);
  syncFile(path.dirname(target));
}

export function removeWithSideFiles(file: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(`${file}${suffix}`, { force: true });
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
