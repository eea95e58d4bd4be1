import { createHash, randomInt } from 'node:crypto';

/**
 * Recovery codes (F3): the way in when the authenticator app is lost.
 *
 * - Ten codes per set; a new set replaces the old one whole.
 * - Each: 16 symbols from a 31-symbol alphabet without look-alikes (no 0 o 1 l i), in four
 *   groups of four: 16 × log2(31) ≈ 79 random bits (>= 64 required), from the CSPRNG.
 * - Typed case-insensitively, with or without dashes and spaces.
 * - Stored as SHA-256, single use. A fast hash is enough here, unlike for passwords: a code
 *   has 79 bits of entropy, so even a stolen table cannot be brute-forced; argon2 would only
 *   slow down every sign-in that uses one.
 */
export const RECOVERY_CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_GROUPS = 4;
export const RECOVERY_CODE_GROUP_SIZE = 4;
export const RECOVERY_CODE_COUNT = 10;
/** With fewer unused codes than this left, the user is told by email to make a new set. */
export const RECOVERY_CODES_WARN_BELOW = 3;

export function recoveryCodeEntropyBits(): number {
  return RECOVERY_CODE_GROUPS * RECOVERY_CODE_GROUP_SIZE * Math.log2(RECOVERY_CODE_ALPHABET.length);
}

export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
}

function generateRecoveryCode(): string {
  const groups = Array.from({ length: RECOVERY_CODE_GROUPS }, () => {
    let group = '';
    for (let i = 0; i < RECOVERY_CODE_GROUP_SIZE; i++) {
      group += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
    }
    return group;
  });
  return groups.join('-');
}

/** The code's canonical form, or undefined when the input cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  const length = RECOVERY_CODE_GROUPS * RECOVERY_CODE_GROUP_SIZE;
  if (compact.length !== length) return undefined;
  for (const symbol of compact) if (!RECOVERY_CODE_ALPHABET.includes(symbol)) return undefined;
  return compact;
}

/** What the store keeps of a code: SHA-256 of its canonical form. */
export function hashRecoveryCode(canonical: string): string {
  return createHash('sha256').update(`recovery-code:${canonical}`).digest('hex');
}
