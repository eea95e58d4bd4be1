import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * A box as Gatehouse sealed secrets before boxes named their key ("v1.<nonce>.<ciphertext>.<tag>"),
 * for tests that show such boxes still open and get rotated. Production never makes these.
 */
export function legacySecretBox(key: Buffer, plaintext: string, associatedData: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [nonce, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return ['v1', ...parts].join('.');
}
