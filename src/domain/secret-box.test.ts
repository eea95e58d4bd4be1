import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacySecretBox } from '../../test/support/legacy-secret-box.js';
import { boxPrefix, decryptSecret, encryptSecret, secretKeyId } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips, with a fresh nonce each time', () => {
    const first = encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'totp:u1');
    const second = encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'totp:u1');
    expect(first).not.toBe(second);
    expect(first).not.toContain('JBSWY3DPEHPK3PXP');
    expect(decryptSecret([key], first, 'totp:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another key, other associated data, and any alteration', () => {
    const box = encryptSecret(key, 'secret', 'totp:u1');
    expect(decryptSecret([randomBytes(32)], box, 'totp:u1')).toBeUndefined();
    expect(decryptSecret([key], box, 'totp:u2')).toBeUndefined();
    const parts = box.split('.');
    const ciphertext = parts[3] ?? '';
    parts[3] = `${ciphertext.startsWith('A') ? 'B' : 'A'}${ciphertext.slice(1)}`;
    expect(decryptSecret([key], parts.join('.'), 'totp:u1')).toBeUndefined();
    expect(decryptSecret([key], 'not a box', 'totp:u1')).toBeUndefined();
    expect(decryptSecret([], box, 'totp:u1')).toBeUndefined();
  });

  it('names its key: the box starts with v2 and the key id, which is hex and not the key', () => {
    const box = encryptSecret(key, 'secret', 'totp:u1');
    expect(box.startsWith(boxPrefix(key))).toBe(true);
    expect(secretKeyId(key)).toMatch(/^[0-9a-f]{12}$/);
    expect(secretKeyId(randomBytes(32))).not.toBe(secretKeyId(key));
    expect(box).not.toContain(key.toString('base64url'));
  });

  it('opens with whichever of several keys sealed it (a rotation in progress)', () => {
    const previous = randomBytes(32);
    const oldBox = encryptSecret(previous, 'old secret', 'totp:u1');
    const newBox = encryptSecret(key, 'new secret', 'totp:u1');
    expect(decryptSecret([key, previous], oldBox, 'totp:u1')).toBe('old secret');
    expect(decryptSecret([key, previous], newBox, 'totp:u1')).toBe('new secret');
    expect(decryptSecret([key], oldBox, 'totp:u1')).toBeUndefined();
  });

  it('still opens boxes made before key ids (v1), with any of the keys', () => {
    const previous = randomBytes(32);
    const box = legacySecretBox(previous, 'legacy secret', 'totp:u1');
    expect(decryptSecret([key, previous], box, 'totp:u1')).toBe('legacy secret');
    expect(decryptSecret([key], box, 'totp:u1')).toBeUndefined();
    expect(decryptSecret([previous], box, 'totp:u2')).toBeUndefined();
  });
});
