import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  existingSecretKeys,
  generateNextKeyFile,
  PREVIOUS_SECRET_KEY_FILE,
  resolveSecretKey,
  resolveSecretKeys,
  SECRET_KEY_FILE,
} from './secret-key.js';

describe('resolveSecretKey', () => {
  const dataDir = () => mkdtempSync(path.join(tmpdir(), 'gatehouse-key-'));

  it('uses GATEHOUSE_SECRET_KEY as config.ts parsed it', () => {
    const key = randomBytes(32);
    const config = { secretKey: key, dataDir: dataDir(), databaseUrl: undefined };
    expect(resolveSecretKey(config).equals(key)).toBe(true);
  });

  it('refuses a DATA_DIR/secret.key that does not hold 32 bytes of base64', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, SECRET_KEY_FILE), `${randomBytes(16).toString('base64')}\n`);
    expect(() => resolveSecretKey({ secretKey: undefined, dataDir: dir, databaseUrl: undefined })).toThrow(
      /secret\.key must hold 32 bytes/,
    );
  });

  it('finds no key for commands that only read where a start would generate one, and writes no file', () => {
    const dir = dataDir();
    const config = {
      secretKey: undefined,
      previousSecretKey: undefined,
      dataDir: dir,
      databaseUrl: undefined,
    };
    expect(existingSecretKeys(config)).toBeUndefined();
    expect(existsSync(path.join(dir, SECRET_KEY_FILE))).toBe(false);
    const [generated] = resolveSecretKeys(config);
    expect(existingSecretKeys(config)?.[0].equals(generated)).toBe(true);
  });

  it('generates a key once into DATA_DIR/secret.key with mode 0600, then reads it back', () => {
    const dir = dataDir();
    const config = { secretKey: undefined, dataDir: dir, databaseUrl: undefined };
    const first = resolveSecretKey(config);
    expect(first).toHaveLength(32);
    expect(statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(config).equals(first)).toBe(true);
  });

  it('stops start-up on PostgreSQL without a key, since instances must share one', () => {
    expect(() =>
      resolveSecretKey({ secretKey: undefined, dataDir: dataDir(), databaseUrl: 'postgres://db/gatehouse' }),
    ).toThrow(/GATEHOUSE_SECRET_KEY is required with DATABASE_URL/);
  });
});

describe('resolveSecretKeys (rotation)', () => {
  const dataDir = () => mkdtempSync(path.join(tmpdir(), 'gatehouse-keys-'));
  const noKeys = { secretKey: undefined, previousSecretKey: undefined, databaseUrl: undefined };

  it('puts the current key first and GATEHOUSE_PREVIOUS_SECRET_KEY (as config.ts parsed it) after it; the same key twice is one', () => {
    const [current, previous] = [randomBytes(32), randomBytes(32)];
    const config = { ...noKeys, dataDir: dataDir(), secretKey: current, previousSecretKey: previous };
    const keys = resolveSecretKeys(config);
    expect(keys).toHaveLength(2);
    expect(keys[0].equals(current) && keys[1]?.equals(previous)).toBe(true);
    expect(resolveSecretKeys({ ...config, previousSecretKey: Buffer.from(current) })).toHaveLength(1);
  });

  it('--generate: moves the key file to secret.previous.key (0600), writes a new one, and refuses a second time', () => {
    const dir = dataDir();
    const config = { ...noKeys, dataDir: dir };
    const first = resolveSecretKey(config);
    const { current, previous } = generateNextKeyFile(config);
    expect(previous.equals(first)).toBe(true);
    expect(current.equals(first)).toBe(false);
    expect(statSync(path.join(dir, PREVIOUS_SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    const keys = resolveSecretKeys(config);
    expect(keys[0].equals(current) && keys[1]?.equals(first)).toBe(true);
    expect(() => generateNextKeyFile(config)).toThrow(/earlier rotation is not finished/);
    expect(readFileSync(path.join(dir, SECRET_KEY_FILE), 'utf8').trim()).toBe(current.toString('base64'));
  });

  it('--generate refuses keys from the environment and a DATA_DIR without a key file', () => {
    const dir = dataDir();
    const fromEnv = { ...noKeys, dataDir: dir, secretKey: randomBytes(32) };
    expect(() => generateNextKeyFile(fromEnv)).toThrow(/GATEHOUSE_PREVIOUS_SECRET_KEY/);
    expect(() => generateNextKeyFile({ ...noKeys, dataDir: dir })).toThrow(/no key file/);
    expect(existsSync(path.join(dir, PREVIOUS_SECRET_KEY_FILE))).toBe(false);
  });

  it('ignores secret.previous.key when the key comes from the environment', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, PREVIOUS_SECRET_KEY_FILE), `${randomBytes(32).toString('base64')}\n`);
    const config = { ...noKeys, dataDir: dir, secretKey: randomBytes(32) };
    expect(resolveSecretKeys(config)).toHaveLength(1);
    expect(resolveSecretKeys({ ...noKeys, dataDir: dir })).toHaveLength(2);
  });
});
