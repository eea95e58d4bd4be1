import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { decodeSecretKey, SECRET_KEY_BYTES } from './domain/secret-box.js';

/**
 * The instance key that encrypts TOTP secrets at rest (domain/secret-box.ts).
 *
 * - GATEHOUSE_SECRET_KEY: base64 of exactly 32 bytes; anything else stops start-up (config.ts).
 * - Absent with SQLite: generated once into DATA_DIR/secret.key (mode 0600) and read from
 *   there afterwards. Back that file up with the database: without it, enrolled users must
 *   have their two-factor authentication removed and enrol again.
 * - Absent with PostgreSQL: start-up stops with a message. Instances behind a load balancer
 *   share one database, so they must share one key; a key generated per machine would make
 *   one instance unable to read what another wrote.
 */
export const SECRET_KEY_FILE = 'secret.key';

export function resolveSecretKey(config: Pick<Config, 'secretKey' | 'dataDir' | 'databaseUrl'>): Buffer {
  if (config.secretKey !== undefined) return config.secretKey;
  if (config.databaseUrl !== undefined) {
    throw new Error(
      'GATEHOUSE_SECRET_KEY is required with DATABASE_URL: every instance must use the same key. ' +
        'Create one with `openssl rand -base64 32` and give it to every instance.',
    );
  }
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  if (existsSync(file)) return readKeyFile(file);
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(SECRET_KEY_BYTES);
  // 'wx': never overwrite a key another process wrote a moment ago.
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

function readKeyFile(file: string): Buffer {
  const key = decodeSecretKey(readFileSync(file, 'utf8').trim());
  if (!key)
    throw new Error(`${file} must hold ${SECRET_KEY_BYTES} bytes in base64 (openssl rand -base64 32).`);
  return key;
}
