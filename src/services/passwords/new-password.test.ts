import { describe, expect, it } from 'vitest';
import { evaluatePassword } from '../../domain/password-policy.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../domain/security-settings.js';
import type { Practice } from '../../store/practice-store.js';
import type { ServiceDeps } from '../context.js';
import { issueTemporaryPassword, passwordContextFor } from './new-password.js';
import { createPasswordHasher } from './password-hasher.js';

const now = Date.UTC(2026, 10, 28, 13, 0);
const deps = { clock: { now: () => now }, hasher: createPasswordHasher() } as unknown as ServiceDeps;
const owner = { username: 'jane.doe', firstName: 'Jane', lastName: 'Doe', email: 'jdoe@example.test' };

function practiceWith(policy: Partial<typeof DEFAULT_SECURITY_SETTINGS.passwordPolicy>): Practice {
  return {
    id: 'p1',
    code: 'RIVERSIDE',
    name: 'Riverside Counselling',
    settings: {
      ...DEFAULT_SECURITY_SETTINGS,
      passwordPolicy: { ...DEFAULT_SECURITY_SETTINGS.passwordPolicy, ...policy },
    },
    createdAt: now,
  };
}

describe('issueTemporaryPassword', () => {
  it(
    'always satisfies the practice’s whole policy, strict options included, and expires after 72 h',
    { timeout: 20_000 },
    async () => {
      const practice = practiceWith({
        minLength: 24,
        requireSymbol: true,
        requireDigit: true,
        requireUppercase: true,
        maxRepeatedChars: 1,
      });
      const context = passwordContextFor(practice, owner);
      for (let i = 0; i < 3; i++) {
        const issued = await issueTemporaryPassword(deps, { practice, owner });
        expect(evaluatePassword(issued.temporaryPassword, context).violations).toEqual([]);
        expect(issued.expiresAt - now).toBe(72 * 3_600_000);
        expect(issued.passwordHash).toMatch(/^\$argon2id\$/);
        expect(issued.passwordHash).not.toContain(issued.temporaryPassword);
        expect(await deps.hasher.verify(issued.passwordHash, issued.temporaryPassword)).toBe(true);
      }
    },
  );

  it('lists the practice and the person as context words', () => {
    expect(passwordContextFor(practiceWith({}), owner).contextWords).toEqual([
      'RIVERSIDE',
      'Riverside Counselling',
      'jane.doe',
      'Jane',
      'Doe',
      'jdoe',
    ]);
  });
});
