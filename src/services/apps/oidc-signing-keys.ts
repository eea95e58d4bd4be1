import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import { boxPrefix, decryptSecret, encryptSecret, type SecretKeys } from '../../domain/secret-box.js';
import type { Store } from '../../store/database.js';
import {
  insertSigningKey,
  listSigningKeys,
  replaceSigningKeyBox,
  retireSigningKeys,
} from '../../store/oidc-signing-key-store.js';
import type { Clock } from '../context.js';

/**
 * ID token signing keys (docs/requirements.md O5): RSA 2048, RS256, generated on first start,
 * the private JWK sealed under GATEHOUSE_SECRET_KEY like the TOTP secrets (associated data
 * names the key, so a box copied onto another key's row does not open). `gatehouse keys
 * rotate-signing` adds a new key and retires the old one, which stays in JWKS so tokens it
 * signed still verify; servers sign with the new key from their next start.
 */
const ALG = 'RS256';

/**
 * A retired key stays in JWKS this long: longer than any token it signed lives (ID tokens 1 h,
 * src/oidc/provider.ts), so no unexpired token loses its key; then it is left out.
 */
export const RETIRED_KEY_KEPT_MS = 24 * 60 * 60 * 1000;

function associatedData(kid: string): string {
  return `oidc-signing-key:${kid}`;
}

function newSigningKey(keys: SecretKeys, now: number) {
  const kid = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = (key: typeof privateKey) => ({ ...key.export({ format: 'jwk' }), kid, alg: ALG, use: 'sig' });
  return {
    kid,
    alg: ALG,
    privateJwkBox: encryptSecret(keys[0], JSON.stringify(jwk(privateKey)), associatedData(kid)),
    publicJwk: JSON.stringify(jwk(publicKey)),
    createdAt: now,
    retiredAt: null,
  };
}

/**
 * The private JWKs for the provider, the signing one first; one is generated when there is
 * none. A key no configured instance key opens is an error: signing must not silently change.
 */
export async function loadSigningKeys(store: Store, keys: SecretKeys, clock: Clock): Promise<JWK[]> {
  if ((await listSigningKeys(store.db)).length === 0)
    await insertSigningKey(store.db, newSigningKey(keys, clock.now()));
  const keptSince = clock.now() - RETIRED_KEY_KEPT_MS;
  const kept = (await listSigningKeys(store.db)).filter(
    (stored) => stored.retiredAt === null || stored.retiredAt > keptSince,
  );
  return kept.map((stored) => {
    const json = decryptSecret(keys, stored.privateJwkBox, associatedData(stored.kid));
    if (json === undefined)
      throw new Error(
        `The OpenID Connect signing key ${stored.kid} does not open with GATEHOUSE_SECRET_KEY (or GATEHOUSE_PREVIOUS_SECRET_KEY).`,
      );
    return JSON.parse(json) as JWK;
  });
}

/** A new signing key; the old ones are retired but kept in JWKS. */
export async function rotateSigningKey(store: Store, keys: SecretKeys, clock: Clock): Promise<void> {
  const now = clock.now();
  const key = newSigningKey(keys, now);
  await store.transaction(async (trx) => {
    await retireSigningKeys(trx, now);
    await insertSigningKey(trx, key);
  });
}

/**
 * `gatehouse keys rotate` for the signing keys: each private key not yet sealed with the
 * current instance key is sealed anew (a handful of rows, one transaction). Returns how many,
 * and the kids no configured key opens.
 */
export async function resealSigningKeys(
  store: Store,
  keys: SecretKeys,
): Promise<{ readonly resealed: number; readonly unreadableKids: readonly string[] }> {
  const prefix = boxPrefix(keys[0]);
  const stale = (await listSigningKeys(store.db)).filter(
    (stored) => !stored.privateJwkBox.startsWith(prefix),
  );
  const unreadableKids: string[] = [];
  const resealed: { kid: string; from: string; to: string }[] = [];
  for (const stored of stale) {
    const json = decryptSecret(keys, stored.privateJwkBox, associatedData(stored.kid));
    if (json === undefined) unreadableKids.push(stored.kid);
    else
      resealed.push({
        kid: stored.kid,
        from: stored.privateJwkBox,
        to: encryptSecret(keys[0], json, associatedData(stored.kid)),
      });
  }
  const count = await store.transaction(async (trx) => {
    let done = 0;
    for (const { kid, from, to } of resealed) if (await replaceSigningKeyBox(trx, kid, from, to)) done++;
    return done;
  });
  return { resealed: count, unreadableKids };
}
