import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxPrefix } from '../../src/domain/secret-box.js';
import { createApp } from '../../src/services/apps/oidc-apps.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  TEST_SECRET_KEY,
  testDatabase,
  testDatabaseUrl,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { freePort } from '../support/free-port.js';

/**
 * Signing keys (docs/requirements.md O5): generated on first start and stored sealed, never in
 * clear; `gatehouse keys rotate-signing` makes a new one, and after a restart ID tokens carry
 * the new kid while JWKS still publishes the old key, so tokens signed before still verify.
 */
const REDIRECT_URI = 'http://127.0.0.1:49153/callback';
let store: Store;
let env: NodeJS.ProcessEnv;
let port: number;
let server: TestServer;
let practice: TestPractice;
let user: SeededUser;
let client: { clientId: string; clientSecret: string };

const start = () => startTestServer({ store, port, publicUrl: `http://127.0.0.1:${port}` });

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-signing-'));
  const databaseUrl = testDatabase() === 'postgres' ? await testDatabaseUrl() : undefined;
  env = {
    DATA_DIR: dataDir,
    GATEHOUSE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  store = openStore({ databaseUrl, dataDir });
  await migrateToLatest(store);
  port = await freePort();
  server = await start();
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, { username: 'kim' });
  const created = await createApp(server.deps, {
    name: 'EHR',
    redirectUris: [REDIRECT_URI],
    confidential: true,
    firstParty: true,
    practiceId: practice.practiceId,
    actor: null,
    origin: { ip: '127.0.0.1', userAgent: 'test' },
  });
  if (!created.ok || created.clientSecret === undefined) throw new Error('app not created');
  client = { clientId: created.app.clientId, clientSecret: created.clientSecret };
});
afterAll(async () => {
  await server.close();
  await store.close();
});

/** An ID token for the user, through the whole code flow. */
async function idToken(): Promise<string> {
  const issuer = new URL(`http://127.0.0.1:${port}/oidc`);
  const rp = await oidc.discovery(
    issuer,
    client.clientId,
    undefined,
    oidc.ClientSecretBasic(client.clientSecret),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
  const verifier = oidc.randomPKCECodeVerifier();
  const browser = await signedInClient(server.url, practice.code, user);
  let next: string = oidc
    .buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })
    .toString();
  while (!next.startsWith(REDIRECT_URI)) {
    const url = new URL(next, issuer);
    const response = await browser.get(url.pathname + url.search);
    next = response.headers.get('location') ?? '';
    expect(next, `${response.status} ${response.text}`).not.toBe('');
  }
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(next), { pkceCodeVerifier: verifier });
  return tokens.id_token ?? '';
}

async function jwks(): Promise<(JsonWebKey & { kid: string })[]> {
  const response = await fetch(`${server.url}/oidc/jwks`);
  return ((await response.json()) as { keys: (JsonWebKey & { kid: string })[] }).keys;
}

/** Whether a key of the JWKS verifies the token's RS256 signature. */
function verifiedBy(token: string, keys: readonly (JsonWebKey & { kid: string })[]): string | undefined {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) return undefined;
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPublicKey({ key, format: 'jwk' }),
    Buffer.from(signature, 'base64url'),
  );
  return ok ? kid : undefined;
}

describe('signing keys', () => {
  it('keeps the private key sealed, never in clear', async () => {
    const rows = await store.db
      .selectFrom('oidc_signing_keys')
      .select(['private_jwk_box', 'public_jwk'])
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.private_jwk_box).toMatch(/^v2\./);
    expect(JSON.parse(rows[0]?.public_jwk ?? '{}')).not.toHaveProperty('d');
  });

  it('rotates: new tokens carry the new key, the old key stays in JWKS and still verifies old tokens', async () => {
    const before = await idToken();
    const oldKid = verifiedBy(before, await jwks());
    expect(oldKid).toEqual(expect.any(String));

    const run = await runCli(env, 'keys', 'rotate-signing');
    expect(run.err).toBe('');
    expect(run.status).toBe(0);
    await server.close();
    server = await start();

    const keys = await jwks();
    expect(keys.map((key) => key.kid)).toContain(oldKid);
    expect(keys).toHaveLength(2);
    expect(verifiedBy(before, keys)).toBe(oldKid);
    const after = await idToken();
    const newKid = verifiedBy(after, keys);
    expect(newKid).toEqual(expect.any(String));
    expect(newKid).not.toBe(oldKid);
  });

  it('is re-encrypted by gatehouse keys rotate: a server with only the new instance key still signs', async () => {
    const newKey = randomBytes(32);
    const rotated = await runCli(
      {
        ...env,
        GATEHOUSE_SECRET_KEY: newKey.toString('base64'),
        GATEHOUSE_PREVIOUS_SECRET_KEY: env.GATEHOUSE_SECRET_KEY,
      },
      'keys',
      'rotate',
      '--json',
    );
    expect(rotated.status, rotated.err).toBe(0);
    expect(JSON.parse(rotated.out)).toMatchObject({ signingKeys: { resealed: 2, unreadable: 0 } });
    const boxes = await store.db.selectFrom('oidc_signing_keys').select('private_jwk_box').execute();
    for (const { private_jwk_box } of boxes) expect(private_jwk_box.startsWith(boxPrefix(newKey))).toBe(true);
    await server.close();
    server = await startTestServer({ store, port, publicUrl: `http://127.0.0.1:${port}`, secretKey: newKey });
    expect(verifiedBy(await idToken(), await jwks())).toEqual(expect.any(String));
  });
});
