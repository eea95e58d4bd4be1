import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { decodeSecretKey, SECRET_KEY_BYTES, type SecretKeys } from './domain/secret-box.js';

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
 *
 * Rotation (docs/keys-and-backup.md): the key before it is accepted for decryption only, from
 * GATEHOUSE_PREVIOUS_SECRET_KEY (decoded by config.ts) or, with the generated key file,
 * DATA_DIR/secret.previous.key, until `gatehouse keys rotate` has re-encrypted everything under
 * the current key.
 */
export const SECRET_KEY_FILE = 'secret.key';
export const PREVIOUS_SECRET_KEY_FILE = 'secret.previous.key';

type KeyConfig = Pick<Config, 'secretKey' | 'dataDir' | 'databaseUrl'>;

export function resolveSecretKey(config: KeyConfig): Buffer {
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

/** The current key first, then the previous one when a rotation is under way. */
export function resolveSecretKeys(config: KeyConfig & Pick<Config, 'previousSecretKey'>): SecretKeys {
  const current = resolveSecretKey(config);
  const previous = resolvePreviousSecretKey(config);
  return previous === undefined || previous.equals(current) ? [current] : [current, previous];
}

/** resolveSecretKeys for commands that only read: undefined where a start would generate the key file. */
export function existingSecretKeys(
  config: KeyConfig & Pick<Config, 'previousSecretKey'>,
): SecretKeys | undefined {
  const generated = config.secretKey === undefined && config.databaseUrl === undefined;
  if (generated && !existsSync(path.join(config.dataDir, SECRET_KEY_FILE))) return undefined;
  return resolveSecretKeys(config);
}

function resolvePreviousSecretKey(config: KeyConfig & Pick<Config, 'previousSecretKey'>): Buffer | undefined {
  if (config.previousSecretKey !== undefined) return config.previousSecretKey;
  // The previous key file belongs to the generated key file; a key from the environment has its own.
  if (config.secretKey !== undefined || config.databaseUrl !== undefined) return undefined;
  const file = path.join(config.dataDir, PREVIOUS_SECRET_KEY_FILE);
  return existsSync(file) ? readKeyFile(file) : undefined;
}

/**
 * Step 1 of a rotation with the generated key file: the current key moves to
 * DATA_DIR/secret.previous.key and a new one takes its place in DATA_DIR/secret.key. The
 * previous key is written (and synced) before the new one replaces the current by rename, so a
 * crash at any point leaves every key readable. Refuses while an earlier rotation's previous
 * key is still there, since its secrets may not all be re-encrypted yet.
 */
export function generateNextKeyFile(config: KeyConfig): { current: Buffer; previous: Buffer } {
  if (config.secretKey !== undefined || config.databaseUrl !== undefined) {
    throw new Error(
      'the key comes from GATEHOUSE_SECRET_KEY, not from a key file: set the new key there and the old one ' +
        'in GATEHOUSE_PREVIOUS_SECRET_KEY, restart, then run `gatehouse keys rotate` (docs/keys-and-backup.md).',
    );
  }
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  const previousFile = path.join(config.dataDir, PREVIOUS_SECRET_KEY_FILE);
  if (!existsSync(file)) throw new Error(`there is no key file ${file} yet: nothing to rotate.`);
  if (existsSync(previousFile)) {
    throw new Error(
      `${previousFile} exists: an earlier rotation is not finished. Run \`gatehouse keys rotate\`, ` +
        'then delete that file, before generating another key.',
    );
  }
  const previous = readKeyFile(file);
  writeFileSync(previousFile, `${previous.toString('base64')}\n`, { mode: 0o600, flag: 'wx', flush: true });
  const current = randomBytes(SECRET_KEY_BYTES);
  const next = `${file}.next`;
  writeFileSync(next, `${current.toString('base64')}\n`, { mode: 0o600, flag: 'w', flush: true });
  renameSync(next, file);
  return { current, previous };
}

function readKeyFile(file: string): Buffer {
  const key = decodeSecretKey(readFileSync(file, 'utf8').trim());
  if (!key)
    throw new Error(`${file} must hold ${SECRET_KEY_BYTES} bytes in base64 (openssl rand -base64 32).`);
  return key;
}
