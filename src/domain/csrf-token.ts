import { createHmac, hkdfSync } from 'node:crypto';

/**
 * CSRF tokens bound to the browser's session (docs/requirements.md C2; OWASP's "signed double
 * submit cookie"). A token is HMAC-SHA256 of what the browser is bound to, under a key derived
 * from the instance's secret key, so:
 *
 * - it is the same on every instance sharing that key, and no database row is needed;
 * - a token read from one session is worth nothing with another session's cookie, and a token
 *   planted in a browser (a cookie written by another subdomain) does not match its session;
 * - it says nothing about the session id it was made from (256-bit HMAC, one way).
 *
 * A browser is bound to its session cookie once a correct password made one (any stage), and
 * before that to a random pre-session cookie (HttpOnly, like the session's), so a sign-in too
 * needs a token of this browser. During a key rotation tokens of the previous key are still
 * accepted (plugins/csrf.ts), and a GET hands out the current one.
 */
export interface CsrfBinding {
  readonly kind: 'session' | 'pre_session';
  /** The cookie's value: the session token, or the pre-session's random value. */
  readonly value: string;
}

/** The key CSRF tokens are made with, never the secret key itself (HKDF, its own label). */
export function deriveCsrfKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'gatehouse csrf token v1', 32));
}

/** The one token a browser so bound may send in x-csrf-token: 43 characters of base64url. */
export function csrfTokenFor(key: Buffer, binding: CsrfBinding): string {
  return createHmac('sha256', key).update(`${binding.kind}:${binding.value}`).digest('base64url');
}
