import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (F2): AES-256-GCM with the instance key (GATEHOUSE_SECRET_KEY, 32 bytes).
 *
 * - A fresh 96-bit nonce per encryption; the 128-bit tag authenticates the ciphertext.
 * - Associated data names what the secret belongs to (e.g. "totp:<user id>"), so a
 *   ciphertext copied onto another user's row does not decrypt.
 * - Stored as "v2.<key id>.<nonce>.<ciphertext>.<tag>", the last three in base64url. The key
 *   id (hex of the first 6 bytes of the key's SHA-256: it reveals nothing of a random 256-bit
 *   key, and hex has no LIKE wildcard such as base64url's "_") says which key
 *   sealed the box, so during a key rotation the right key opens it and `keys rotate` finds
 *   the boxes still sealed with an old one (SQL: secret_box not like 'v2.<current id>.%').
 * - "v1.<nonce>.<ciphertext>.<tag>" (before key ids) still opens: every key is tried, which
 *   is safe because GCM refuses the wrong key. New boxes are always v2.
 *
 * Keys are a list, as in fastify-cookie's signer: the first seals, every one opens.
 */
export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const KEY_ID_BYTES = 6;
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';

/** The current key first, then keys accepted for opening only (GATEHOUSE_PREVIOUS_SECRET_KEY). */
export type SecretKeys = readonly [current: Buffer, ...previous: Buffer[]];

/** A short public fingerprint of a key, stored in each box and safe to print. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/** What every box sealed with this key starts with. */
export function boxPrefix(key: Buffer): string {
  return `${VERSION}.${secretKeyId(key)}.`;
}

export function encryptSecret(key: Buffer, plaintext: string, associatedData: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed = [nonce, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return [VERSION, secretKeyId(key), ...sealed].join('.');
}

/**
 * The plaintext, or undefined when none of the keys sealed the box, it was made for other
 * data, or it was altered.
 */
export function decryptSecret(
  keys: readonly Buffer[],
  box: string,
  associatedData: string,
): string | undefined {
  const parts = box.split('.');
  if (parts[0] === VERSION && parts.length === 5) {
    const [, keyId, nonce, ciphertext, tag] = parts as [string, string, string, string, string];
    const key = keys.find((candidate) => secretKeyId(candidate) === keyId);
    return key && open(key, nonce, ciphertext, tag, associatedData);
  }
  if (parts[0] === LEGACY_VERSION && parts.length === 4) {
    const [, nonce, ciphertext, tag] = parts as [string, string, string, string];
    for (const key of keys) {
      const plaintext = open(key, nonce, ciphertext, tag, associatedData);
      if (plaintext !== undefined) return plaintext;
    }
  }
  return undefined;
}

function open(
  key: Buffer,
  nonce: string,
  ciphertext: string,
  tag: string,
  associatedData: string,
): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** The instance key from its base64 text, or undefined unless it is exactly SECRET_KEY_BYTES of canonical base64. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const key = Buffer.from(text, 'base64');
  const canonical = key.length === SECRET_KEY_BYTES && key.toString('base64') === text.replace(/\s/g, '');
  return canonical ? key : undefined;
}
