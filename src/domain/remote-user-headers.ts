import type { Role } from './roles.js';

/**
 * The identity headers forward-auth answers with (docs/architecture.md
 * "Apps signing in"); the reverse proxy copies them onto the request it passes to the app.
 *
 * Header values are bytes, and proxies and apps disagree on how to read anything beyond ASCII
 * (Node itself refuses characters above U+00FF). So every value is sent as visible ASCII: each
 * UTF-8 byte outside `!`..`~` and space, and `%` itself, is percent-encoded (`Zoë` is `Zo%C3%AB`).
 * An ASCII name arrives unchanged and readable, and `decodeURIComponent` (or any URL-decoder)
 * gives back the exact text of every value. CR, LF and every other control character are
 * encoded too, so no value can end its header or start another.
 */
export interface RemoteUser {
  readonly id: string;
  readonly username: string;
  readonly practiceCode: string;
  readonly roles: readonly Role[];
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
}

export const REMOTE_USER_HEADERS = [
  'Remote-User',
  'Remote-User-Id',
  'Remote-Practice',
  'Remote-Roles',
  'Remote-Email',
  'Remote-Name',
] as const;

export type RemoteUserHeader = (typeof REMOTE_USER_HEADERS)[number];

/** Bytes sent as they are: visible ASCII and space, except `%`, which starts an escape. */
const PLAIN_BYTE = /^[\x20-\x24\x26-\x7e]$/;

/** `text` as a header value of visible ASCII, percent-encoding its other UTF-8 bytes and `%`. */
export function headerSafe(text: string): string {
  let encoded = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    encoded += PLAIN_BYTE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

export function remoteUserHeaders(user: RemoteUser): Record<RemoteUserHeader, string> {
  return {
    'Remote-User': headerSafe(user.username),
    'Remote-User-Id': headerSafe(user.id),
    'Remote-Practice': headerSafe(user.practiceCode),
    'Remote-Roles': headerSafe(user.roles.join(',')),
    'Remote-Email': headerSafe(user.email),
    'Remote-Name': headerSafe(`${user.firstName} ${user.lastName}`.trim()),
  };
}
