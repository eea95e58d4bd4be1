/**
 * Practice codes and user names are stored as entered and matched case-folded
 * (NFKC first, so full-width and compatibility forms match their plain twins).
 */
export function foldIdentifier(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/** Practice codes: letters, digits, dash and underscore, 2..32 characters. */
export const PRACTICE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/;
