import { decryptSecret, encryptSecret } from '../domain/secret-box.js';

/**
 * A user's TOTP secret sealed with the instance key, bound to that user (associated data), so
 * the database holds only ciphertext and a box moved to another user's row is useless.
 */
export function sealTotpSecret(key: Buffer, userId: string, secret: string): string {
  return encryptSecret(key, secret, `totp:${userId}`);
}

/** The secret, or undefined when the box cannot be opened with this key. */
export function openTotpSecret(key: Buffer, userId: string, box: string): string | undefined {
  return decryptSecret(key, box, `totp:${userId}`);
}
