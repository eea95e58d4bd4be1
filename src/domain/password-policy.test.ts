import { describe, expect, it } from 'vitest';
import {
  evaluatePassword,
  historyViolation,
  isPasswordRule,
  MAX_PASSWORD_LENGTH,
  PASSWORD_RULES,
  passwordRequirements,
  type PasswordContext,
} from './password-policy.js';
import { DEFAULT_SECURITY_SETTINGS, type PasswordPolicySettings } from './security-settings.js';

const defaults = DEFAULT_SECURITY_SETTINGS.passwordPolicy;
const janeContext = ['RIVERSIDE', 'Riverside Counselling', 'jane.doe', 'Jane', 'Doe', 'jdoe'];

function rules(password: string, policy: Partial<PasswordPolicySettings> = {}, words = janeContext) {
  const context: PasswordContext = { policy: { ...defaults, ...policy }, contextWords: words };
  return evaluatePassword(password, context).violations.map((violation) => violation.rule);
}

const STRONG = 'violet tugboat ladder orchard';

describe('evaluatePassword', () => {
  it('accepts a strong passphrase under the defaults', () => {
    expect(rules(STRONG)).toEqual([]);
    expect(evaluatePassword(STRONG, { policy: defaults, contextWords: [] }).score).toBeGreaterThanOrEqual(3);
  });

  it('accepts a 64-character password with spaces and emoji', () => {
    const password = '🙂 long passphrase with spaces and emoji 🏥 for the clinic 🙂 okay!';
    expect([...password].length).toBe(64);
    expect(rules(password)).toEqual([]);
  });

  it('refuses "Password123!" as common and weak, with sentences to act on', () => {
    const { violations } = evaluatePassword('Password123!', { policy: defaults, contextWords: [] });
    expect(violations.map((v) => v.rule)).toEqual(expect.arrayContaining(['common_password', 'strength']));
    for (const violation of violations) expect(violation.message).toMatch(/^[A-Z].*\.$/);
  });

  it('refuses the user’s own name and other context words, even inside a longer password', () => {
    expect(rules('Jane.Doe')).toContain('context');
    expect(rules('jane doe')).toContain('context');
    expect(rules('riverside violet tugboat ladder')).toContain('context');
    expect(rules('violet Counselling tugboat ladder')).toContain('context');
    expect(rules('violet tugboat jdoe ladder orchard')).toContain('context');
    // Three-letter context words only count as the whole password, not inside common words.
    expect(rules(`${STRONG} doesnt`)).toEqual([]);
  });

  it('counts length in code points after NFKC and reports the shortfall', () => {
    const { violations } = evaluatePassword('tugboat 🙂', { policy: defaults, contextWords: [] });
    expect(violations).toContainEqual({
      rule: 'min_length',
      message: 'Use at least 12 characters; this password has 9.',
    });
    expect(rules('x'.repeat(MAX_PASSWORD_LENGTH + 1), { maxRepeatedChars: null })).toContain('max_length');
  });

  it('applies the composition classes only when the practice turns them on', () => {
    expect(rules('violet tugboat ladder orchard')).toEqual([]);
    expect(
      rules('violet tugboat ladder orchard', {
        requireUppercase: true,
        requireDigit: true,
        requireSymbol: true,
        requireLowercase: true,
      }),
    ).toEqual(['uppercase', 'digit']);
    expect(
      rules('Violet7tugboat8ladder', { requireUppercase: true, requireDigit: true, requireSymbol: true }),
    ).toEqual(['symbol']);
  });

  it('refuses more identical characters in a row than the practice allows', () => {
    expect(rules('violet tugboat 1111 orchard')).toContain('repeated_characters');
    expect(rules('violet tugboat 111 orchard')).not.toContain('repeated_characters');
    expect(rules('violet tugboat 111 orchard', { maxRepeatedChars: 2 })).toContain('repeated_characters');
    expect(rules('violet tugboat 1111 orchard', { maxRepeatedChars: null })).not.toContain(
      'repeated_characters',
    );
  });

  it('refuses a password from the blocklist whatever its case or decoration', () => {
    expect(rules('iloveyou', { minLength: 8 })).toContain('common_password');
    expect(rules('ILoveYou2024!', { minLength: 8 })).toContain('common_password');
  });

  it('refuses look-alikes of a blocklisted password or a context word (Unicode TS #39 skeletons)', () => {
    const overlaid = [...'password'].map((letter) => `${letter}\u0334`).join('');
    expect(rules(overlaid)).toContain('common_password');
    expect(rules('раssword', { minLength: 8 })).toContain('common_password');
    expect(rules('pässwörd', { minLength: 8 })).toContain('common_password');
    // jane.doe with a Cyrillic а and о, inside an otherwise strong password.
    expect(rules('violet tugboat jаne.dоe ladder')).toContain('context');
    expect(rules('violet tugboat ladder оrchard')).toEqual([]);
  });

  it('returns every violation at once', () => {
    expect(rules('aaaa', { requireDigit: true })).toEqual(
      expect.arrayContaining(['min_length', 'strength', 'digit', 'repeated_characters']),
    );
  });
});

describe('passwordRequirements', () => {
  it('lists the default rules for the checklist', () => {
    expect(passwordRequirements(defaults).map((r) => r.rule)).toEqual([
      'min_length',
      'common_password',
      'context',
      'strength',
      'repeated_characters',
      'history',
    ]);
    expect(passwordRequirements(defaults)[0]?.text).toBe('At least 12 characters');
  });

  it('adds the optional rules a practice turns on, and drops those it turns off', () => {
    const listed = passwordRequirements({
      ...defaults,
      requireUppercase: true,
      requireLowercase: true,
      requireDigit: true,
      requireSymbol: true,
      maxRepeatedChars: null,
      historyCount: 0,
    }).map((r) => r.rule);
    expect(listed).toEqual([
      'min_length',
      'common_password',
      'context',
      'strength',
      'uppercase',
      'lowercase',
      'digit',
      'symbol',
    ]);
    for (const rule of listed) expect(isPasswordRule(rule)).toBe(true);
  });

  it('names only known rules', () => {
    expect(isPasswordRule('history')).toBe(true);
    expect(isPasswordRule('nope')).toBe(false);
    expect(PASSWORD_RULES).toContain(historyViolation(defaults).rule);
    expect(historyViolation(defaults).message).toContain('last 10 passwords');
  });
});
