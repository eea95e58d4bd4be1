import { createHash } from 'node:crypto';
import type SQLite from 'better-sqlite3';

/** SQLite's name for a function returning the hex SHA-256 of a text's UTF-8 bytes (see registerSqliteSha256). */
export const SQLITE_SHA256_HEX = 'gatehouse_sha256_hex';

/** Gives SQLite what PostgreSQL writes encode(sha256(convert_to(text, 'UTF8')), 'hex'): the audit chain's hash. */
export function registerSqliteSha256(sqlite: SQLite.Database): void {
  sqlite.function(SQLITE_SHA256_HEX, { deterministic: true }, (text) =>
    createHash('sha256').update(String(text)).digest('hex'),
  );
}
