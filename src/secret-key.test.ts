import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSecretKey, SECRET_KEY_FILE } from './secret-key.js';

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
