import { identifierSkeleton, isMixedScript } from './look-alike.js';

/**
 * What a new user name must be: 1..64 letters, digits or . _ - @ starting with a letter or
 * digit, in one script, and no look-alike (Unicode TS #39 skeleton) of another user name of
 * the practice, so `аlice` with a Cyrillic а cannot pose as `alice` in the staff list, the
 * activity log or an email.
 */
export const USERNAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u;

/** Why the text cannot be a user name, as a sentence; undefined when it can. */
export function usernameProblem(username: string): string | undefined {
  if (!USERNAME_PATTERN.test(username))
    return 'The user name must be 1 to 64 letters, digits or . _ - @, starting with a letter or digit.';
  if (isMixedScript(username))
    return 'Write the user name in one alphabet: letters of different scripts (such as Latin with Cyrillic or Greek) can imitate another name.';
  return undefined;
}

/** The existing user name the new one looks like (same skeleton), if any. */
export function lookAlikeUsername(username: string, existing: readonly string[]): string | undefined {
  const target = identifierSkeleton(username);
  return existing.find((name) => identifierSkeleton(name) === target);
}
