import { describe, expect, it } from 'vitest';
import { generateTotpSecret, matchTotpStep, normalizeTotpCode, totpCodeAt, totpStep } from './totp.js';

describe('TOTP', () => {
  const secret = generateTotpSecret();
  const at = 1_795_000_000_000;

  it('makes 160-bit secrets (32 base32 characters), each different', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it('matches the RFC 6238 SHA-1 test vector', () => {
    const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
    expect(totpCodeAt(rfcSecret, 59_000)).toBe('287082');
    expect(totpCodeAt(rfcSecret, 1_111_111_109_000)).toBe('081804');
  });

  it('accepts the current step and one either side, nothing further', () => {
    const step = totpStep(at);
    expect(matchTotpStep(secret, totpCodeAt(secret, at), at)).toBe(step);
    expect(matchTotpStep(secret, totpCodeAt(secret, at - 30_000), at)).toBe(step - 1);
    expect(matchTotpStep(secret, totpCodeAt(secret, at + 30_000), at)).toBe(step + 1);
    for (const offset of [-90_000, -60_000, 60_000]) {
      const code = totpCodeAt(secret, at + offset);
      if (code === totpCodeAt(secret, at)) continue; // a chance collision of 6 digits
      expect(matchTotpStep(secret, code, at)).toBeUndefined();
    }
  });

  it('takes codes typed with spaces and refuses anything but six digits', () => {
    expect(normalizeTotpCode(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', 'abcdef', '12345a', ''])
      expect(normalizeTotpCode(bad)).toBeUndefined();
    expect(matchTotpStep(secret, 'abcdef', at)).toBeUndefined();
  });
});
