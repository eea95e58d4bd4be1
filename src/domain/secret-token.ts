import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets (session ids, CSRF tokens, later reset tokens): 32 random bytes (256 bits)
 * as base64url. The server keeps only the SHA-256 of a token, so a copy of the database
 * cannot be replayed as a cookie.
 */
export const TOKEN_BYTES = 32;

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** One-shot: every authenticated request hashes its cookie, and a Hash object costs more than the hashing. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Constant-time comparison of two strings of possibly different length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
