import { randomInt } from 'node:crypto';

/**
 * Temporary passwords, shown once to an administrator who reads them out or writes them down.
 *
 * - Alphabet: letters and digits without look-alikes (no 0 O 1 l I), and only the lower case of
 *   letters whose two cases differ only in size in a monospace font (c k o p s u v w x z), so
 *   nobody reading one aloud has to ask "capital or small?": 48 symbols, 5.58 bits each.
 * - Groups of 4 joined by dashes; at least 4 groups = 16 symbols = 89 bits (>= 80 required).
 * - Case sensitive; always at least one upper-case letter, one lower-case letter and one digit,
 *   and more groups when the practice's minimum length asks for it.
 */
export const TEMPORARY_PASSWORD_ALPHABET = 'ABDEFGHJLMNQRTYabcdefghijkmnopqrstuvwxyz23456789';

/** Letters whose upper and lower case look alike in monospace; only the lower case is used. */
export const SAME_SHAPE_LETTERS = 'ckopsuvwxz';
export const TEMPORARY_PASSWORD_GROUP_SIZE = 4;
export const TEMPORARY_PASSWORD_MIN_GROUPS = 4;

export function temporaryPasswordEntropyBits(groups: number): number {
  return groups * TEMPORARY_PASSWORD_GROUP_SIZE * Math.log2(TEMPORARY_PASSWORD_ALPHABET.length);
}

export interface TemporaryPasswordRules {
  readonly minLength: number;
  /** Longest run of one character allowed; null = no limit. */
  readonly maxRepeatedChars: number | null;
}

/**
 * `accept` lets the caller apply the practice's full policy (strength, blocklist, context
 * words): candidates it refuses are drawn again, so the result always satisfies it.
 */
export function generateTemporaryPassword(
  rules: TemporaryPasswordRules,
  accept: (candidate: string) => boolean = () => true,
): string {
  const groups = groupsFor(rules.minLength);
  for (;;) {
    const candidate = Array.from({ length: groups }, randomGroup).join('-');
    if (hasEveryClass(candidate) && withinRepeatLimit(candidate, rules.maxRepeatedChars) && accept(candidate))
      return candidate;
  }
}

/** Fewest groups whose dashed length reaches minLength. */
function groupsFor(minLength: number): number {
  let groups = TEMPORARY_PASSWORD_MIN_GROUPS;
  while (groups * (TEMPORARY_PASSWORD_GROUP_SIZE + 1) - 1 < minLength) groups++;
  return groups;
}

function randomGroup(): string {
  let group = '';
  for (let i = 0; i < TEMPORARY_PASSWORD_GROUP_SIZE; i++) {
    group += TEMPORARY_PASSWORD_ALPHABET[randomInt(TEMPORARY_PASSWORD_ALPHABET.length)];
  }
  return group;
}

function hasEveryClass(candidate: string): boolean {
  return /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate);
}

function withinRepeatLimit(candidate: string, limit: number | null): boolean {
  if (limit === null) return true;
  let run = 1;
  for (let i = 1; i < candidate.length; i++) {
    run = candidate[i] === candidate[i - 1] ? run + 1 : 1;
    if (run > limit) return false;
  }
  return true;
}
