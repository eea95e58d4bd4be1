import { describe, expect, it } from 'vitest';
import {
  generateTemporaryPassword,
  SAME_SHAPE_LETTERS,
  TEMPORARY_PASSWORD_ALPHABET,
  temporaryPasswordEntropyBits,
} from './temporary-password.js';

describe('generateTemporaryPassword', () => {
  const defaults = { minLength: 12, maxRepeatedChars: 3 };

  it('makes dash-joined groups of four from an alphabet without look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const password = generateTemporaryPassword(defaults);
      expect(password).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
      expect(password).not.toMatch(/[0O1lI]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[2-9]/);
    }
  });

  it('never holds both cases of a letter whose cases look alike in monospace', () => {
    const upperOfSameShape = new RegExp(`[${SAME_SHAPE_LETTERS.toUpperCase()}]`);
    expect(TEMPORARY_PASSWORD_ALPHABET).not.toMatch(upperOfSameShape);
    for (const letter of SAME_SHAPE_LETTERS) expect(TEMPORARY_PASSWORD_ALPHABET).toContain(letter);
    for (let i = 0; i < 200; i++) expect(generateTemporaryPassword(defaults)).not.toMatch(upperOfSameShape);
  });

  it('carries at least 80 bits of entropy', () => {
    expect(TEMPORARY_PASSWORD_ALPHABET).toHaveLength(48);
    expect(temporaryPasswordEntropyBits(4)).toBeGreaterThanOrEqual(80);
  });

  it('grows to meet a long minimum length', () => {
    expect(
      generateTemporaryPassword({ minLength: 64, maxRepeatedChars: null }).length,
    ).toBeGreaterThanOrEqual(64);
    expect(
      generateTemporaryPassword({ minLength: 20, maxRepeatedChars: null }).length,
    ).toBeGreaterThanOrEqual(20);
  });

  it('respects the practice limit on repeated characters', () => {
    for (let i = 0; i < 300; i++) {
      expect(generateTemporaryPassword({ minLength: 12, maxRepeatedChars: 1 })).not.toMatch(/(.)\1/);
    }
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateTemporaryPassword(defaults)));
    expect(seen.size).toBe(1000);
  });
});
