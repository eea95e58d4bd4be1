import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config.js';
import { boxPrefix, decryptSecret } from '../../src/domain/secret-box.js';
import { PREVIOUS_SECRET_KEY_FILE, resolveSecretKeys } from '../../src/secret-key.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { legacySecretBox } from '../support/legacy-secret-box.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  testDatabase,
  testDatabaseUrl,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';

/**
 * `gatehouse keys rotate` (docs/keys-and-backup.md): TOTP secrets enrolled under an old key are
 * re-encrypted under the new one while servers run. A server with new + previous key opens
 * both kinds meanwhile; afterwards the new key alone signs everyone in and the old key alone
 * opens nothing. On SQLite and PostgreSQL.
 */
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const clock = testClock();
let env: NodeJS.ProcessEnv;
let store: Store;
let oldServer: TestServer;
let practice: TestPractice;

interface Enrolled {
  readonly user: SeededUser;
  readonly secret: string;
}
const enrolled: Enrolled[] = [];

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-rotate-'));
  const databaseUrl = testDatabase() === 'postgres' ? await testDatabaseUrl() : undefined;
  env = { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  store = openStore({ databaseUrl, dataDir });
  await migrateToLatest(store);
  oldServer = await startTestServer({ store, clock, secretKey: oldKey });
  practice = await seedPractice(oldServer.deps);
  for (let i = 0; i < 5; i++) enrolled.push(await enrolOn(oldServer, `rot${i}`));
  // One box as sealed before boxes named their key (v1): it opens and rotates the same way.
  const legacy = enrolled[4] as Enrolled;
  await store.db
    .updateTable('two_factor_totp')
    .set({ secret_box: legacySecretBox(oldKey, legacy.secret, `totp:${legacy.user.id}`) })
    .where('user_id', '=', legacy.user.id)
    .execute();
});
afterAll(async () => {
  await oldServer.close();
  await store.close();
});

async function enrolOn(server: TestServer, username: string, inPractice = practice): Promise<Enrolled> {
  const user = await seedUser(server.deps, inPractice, { username });
  const client = await signedInClient(server.url, inPractice.code, user);
  const { secret } = await enrolTotp(client, user.password, clock);
  return { user, secret };
}

/** Password, then a fresh TOTP code; the status of the second-factor step. */
async function signInWithCode(
  server: TestServer,
  { user, secret }: Enrolled,
  inPractice = practice,
): Promise<number> {
  const client = new HttpClient(server.url);
  const login = await client.post<{ next: string }>('/api/auth/login', {
    practiceCode: inPractice.code,
    username: user.username,
    password: user.password,
  });
  expect(login.body).toEqual({ next: 'two_factor' });
  const step = await client.post('/api/auth/two-factor', {
    code: nextTotpCode(clock, secret),
    rememberBrowser: false,
  });
  return step.status;
}

async function storedBoxes(): Promise<Map<string, string>> {
  const rows = await store.db.selectFrom('two_factor_totp').select(['user_id', 'secret_box']).execute();
  return new Map(rows.map((row) => [row.user_id, row.secret_box]));
}

const rotatingEnv = () => ({
  ...env,
  GATEHOUSE_SECRET_KEY: newKey.toString('base64'),
  GATEHOUSE_PREVIOUS_SECRET_KEY: oldKey.toString('base64'),
});

interface RotateJson {
  keyId: string;
  reencrypted: number;
  current: number;
  remaining: number;
  unreadable: number;
}

describe('gatehouse keys rotate', () => {
  it('re-encrypts every secret online; new + previous key opens old and new boxes; the new key alone suffices after', async () => {
    const rotating = await startTestServer({ store, clock, secretKey: newKey, previousSecretKeys: [oldKey] });
    const newOnly = await startTestServer({ store, clock, secretKey: newKey });
    try {
      const [a, b, c, d, legacy] = enrolled as [Enrolled, Enrolled, Enrolled, Enrolled, Enrolled];
      // Before the rotation: the rolling restart is done, old boxes open with the previous key.
      expect(await signInWithCode(rotating, a)).toBe(200);
      expect(await signInWithCode(rotating, legacy)).toBe(200);
      // A server that has only the new key cannot open them yet.
      expect(await signInWithCode(newOnly, b)).toBe(401);
      // Enrolling during the rotation seals with the new key.
      const fresh = await enrolOn(rotating, 'rotfresh');
      const before = await storedBoxes();
      expect(before.get(fresh.user.id)?.startsWith(boxPrefix(newKey))).toBe(true);

      const run = await runCli(rotatingEnv(), 'keys', 'rotate', '--batch-size', '2', '--json');
      expect(run.err).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(run.out) as RotateJson;
      expect(report).toMatchObject({ reencrypted: 5, current: 6, remaining: 0, unreadable: 0 });
      expect(run.out).not.toContain(newKey.toString('base64'));
      expect(run.out).not.toContain(oldKey.toString('base64'));

      const after = await storedBoxes();
      for (const { user, secret } of enrolled) {
        const box = after.get(user.id) ?? '';
        expect(box).not.toBe(before.get(user.id));
        expect(box.startsWith(boxPrefix(newKey))).toBe(true);
        expect(decryptSecret([oldKey], box, `totp:${user.id}`)).toBeUndefined();
        expect(decryptSecret([newKey], box, `totp:${user.id}`)).toBe(secret);
      }
      expect(after.get(fresh.user.id)).toBe(before.get(fresh.user.id));

      // Re-encrypted boxes: the rotating server and a server with only the new key sign in with codes;
      // a server with only the old key no longer can.
      expect(await signInWithCode(rotating, b)).toBe(200);
      for (const user of [c, d, legacy, fresh]) expect(await signInWithCode(newOnly, user)).toBe(200);
      expect(await signInWithCode(oldServer, a)).toBe(401);
    } finally {
      await Promise.all([rotating.close(), newOnly.close()]);
    }
  });

  it('is a no-op the second time, and tells the operator to drop the previous key', async () => {
    const before = await storedBoxes();
    const json = await runCli(rotatingEnv(), 'keys', 'rotate', '--json');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ reencrypted: 0, current: 6, remaining: 0 });
    const text = await runCli(rotatingEnv(), 'keys', 'rotate');
    expect(text.status).toBe(0);
    expect(text.out).toContain('re-encrypted 0 TOTP secrets');
    expect(text.out).toContain('Remove GATEHOUSE_PREVIOUS_SECRET_KEY');
    expect(await storedBoxes()).toEqual(before);
  });

  it('leaves boxes that no configured key opens untouched, counts them, and exits 3', async () => {
    const before = await storedBoxes();
    const strangerEnv = { ...env, GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64') };
    const run = await runCli(strangerEnv, 'keys', 'rotate');
    expect(run.status).toBe(3);
    expect(run.out).toContain('6 secrets open with none of the configured keys');
    expect(await storedBoxes()).toEqual(before);
  });

  it('answers --help, and refuses a bad batch size', async () => {
    const help = await runCli(env, 'keys', 'rotate', '--help');
    expect(help.status).toBe(0);
    expect(help.out).toContain('GATEHOUSE_PREVIOUS_SECRET_KEY');
    const bad = await runCli(rotatingEnv(), 'keys', 'rotate', '--batch-size', '0');
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('--batch-size');
  });
});

describe.skipIf(testDatabase() !== 'sqlite')(
  'gatehouse keys rotate --generate (SQLite, generated key file)',
  () => {
    it('writes a new key file, keeps the old one readable until the rotation is done, then the new one alone works', async () => {
      const fileEnv = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gatehouse-keyfile-')) };
      const config = configFromEnv(fileEnv);
      const fileStore = openStore({ dataDir: config.dataDir });
      await migrateToLatest(fileStore);
      /** A server (re)started as `npm start` would: keys from DATA_DIR's key files. */
      const startFromFiles = () => {
        const [secretKey, ...previousSecretKeys] = resolveSecretKeys(config);
        return startTestServer({ store: fileStore, clock, secretKey, previousSecretKeys });
      };
      let server = await startFromFiles();
      try {
        const filePractice = await seedPractice(server.deps);
        const user = await enrolOn(server, 'keyfile', filePractice);

        const generated = await runCli(fileEnv, 'keys', 'rotate', '--generate');
        expect(generated.status).toBe(0);
        expect(generated.out).toContain('Next: restart the server');
        expect((await runCli(fileEnv, 'keys', 'rotate', '--generate')).status).toBe(1);

        await server.close();
        server = await startFromFiles();
        expect(await signInWithCode(server, user, filePractice)).toBe(200);
        const rotated = await runCli(fileEnv, 'keys', 'rotate');
        expect(rotated.status).toBe(0);
        expect(rotated.out).toContain('re-encrypted 1 TOTP secrets');
        const previousFile = path.join(config.dataDir, PREVIOUS_SECRET_KEY_FILE);
        expect(rotated.out).toContain(`Delete ${previousFile}`);

        rmSync(previousFile);
        await server.close();
        server = await startFromFiles();
        expect(resolveSecretKeys(config)).toHaveLength(1);
        expect(await signInWithCode(server, user, filePractice)).toBe(200);
        expect(existsSync(previousFile)).toBe(false);
      } finally {
        await server.close();
        await fileStore.close();
      }
    });
  },
);
