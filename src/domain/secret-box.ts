import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (F2): AES-256-GCM with the instance key (GATEHOUSE_SECRET_KEY, 32 bytes).
 *
 * - A fresh 96-bit nonce per encryption; the 128-bit tag authenticates the ciphertext.
 * - Associated data names what the secret belongs to (e.g. "totp:<user id>"), so a
 *   ciphertext copied onto another user's row does not decrypt.
 * - Stored as "v1.<nonce>.<ciphertext>.<tag>" in base64url.
 */
export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const VERSION = 'v1';

export function encryptSecret(key: Buffer, plaintext: string, associatedData: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, nonce, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** The plaintext, or undefined when the box was made with another key, for other data, or altered. */
export function decryptSecret(key: Buffer, box: string, associatedData: string): string | undefined {
  const [version, nonce, ciphertext, tag] = box.split('.');
  if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined)
    return undefined;
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
