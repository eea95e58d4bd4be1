import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips, with a fresh nonce each time', () => {
    const first = encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'totp:u1');
    const second = encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'totp:u1');
    expect(first).not.toBe(second);
    expect(first).not.toContain('JBSWY3DPEHPK3PXP');
    expect(decryptSecret(key, first, 'totp:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another key, other associated data, and any alteration', () => {
    const box = encryptSecret(key, 'secret', 'totp:u1');
    expect(decryptSecret(randomBytes(32), box, 'totp:u1')).toBeUndefined();
    expect(decryptSecret(key, box, 'totp:u2')).toBeUndefined();
    const parts = box.split('.');
    const tampered = [parts[0], parts[1], `A${(parts[2] ?? '').slice(1)}`, parts[3]].join('.');
    expect(
      decryptSecret(key, tampered === box ? box.replace(/.$/, 'A') : tampered, 'totp:u1'),
    ).toBeUndefined();
    expect(decryptSecret(key, 'not a box', 'totp:u1')).toBeUndefined();
  });
});
