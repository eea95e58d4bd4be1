import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeEntropyBits,
} from './recovery-codes.js';

describe('recovery codes', () => {
  it('are ten distinct codes of at least 64 random bits, without look-alike characters', () => {
    expect(recoveryCodeEntropyBits()).toBeGreaterThanOrEqual(64);
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      expect(code).not.toMatch(/[01ilo]/);
    }
  });

  it('are typed case-insensitively, with or without dashes and spaces', () => {
    const [code = ''] = generateRecoveryCodes();
    const canonical = normalizeRecoveryCode(code);
    expect(canonical).toBe(code.replace(/-/g, ''));
    expect(normalizeRecoveryCode(code.toUpperCase().replace(/-/g, ' '))).toBe(canonical);
    expect(normalizeRecoveryCode('123456')).toBeUndefined();
    expect(normalizeRecoveryCode('abcd-efgh-jkmn-pqr0')).toBeUndefined();
  });

  it('are stored as a SHA-256 that does not contain the code', () => {
    const hash = hashRecoveryCode('abcdefghjkmnpqrs');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('abcdefghjkmnpqrs');
    expect(hashRecoveryCode('abcdefghjkmnpqrs')).toBe(hash);
  });
});
