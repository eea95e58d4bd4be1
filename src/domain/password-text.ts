/**
 * Passwords are NFKC-normalised before hashing (N4 3.1.1.2), so NFC "é" and NFD "e + ◌́"
 * are the same password. Nothing else is changed: no trimming, no case folding, no truncation.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length as people count it: Unicode code points, after normalisation. */
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}
