import { decryptSecret, encryptSecret, type SecretKeys } from '../../domain/secret-box.js';

/**
 * A user's TOTP secret sealed with the instance key, bound to that user (associated data), so
 * the database holds only ciphertext and a box moved to another user's row is useless.
 */
export function sealTotpSecret(keys: SecretKeys, userId: string, secret: string): string {
  return encryptSecret(keys[0], secret, totpAssociatedData(userId));
}

/** The secret, or undefined when none of the keys (current, then previous) opens the box. */
export function openTotpSecret(keys: SecretKeys, userId: string, box: string): string | undefined {
  return decryptSecret(keys, box, totpAssociatedData(userId));
}

function totpAssociatedData(userId: string): string {
  return `totp:${userId}`;
}
