/**
 * Where the sign-in page may send the browser once fully signed in (`/login?returnTo=…`, the
 * forward-auth flow of docs/architecture.md; docs/requirements.md O6): a path of Gatehouse itself, or an
 * absolute http(s) URL whose origin is Gatehouse's own or one of ALLOWED_RETURN_ORIGINS.
 * Anything else is ignored and the user lands on the normal page, so a crafted link cannot
 * make Gatehouse an open redirect. Used by the config parser and by the web app
 * (web/src/lib/return-to.ts), so both read origins the same way.
 */

/** Longer return addresses are ignored: no proxy needs more, and the check stays cheap. */
export const RETURN_TO_MAX_LENGTH = 2048;

/**
 * Visible ASCII without backslash. URL parsers silently drop tabs and newlines and read `\` as
 * `/` (`/\evil.example` is `//evil.example`, another host), so text with any of them is
 * refused rather than cleaned.
 */
const PLAIN_URL_TEXT = /^[\x21-\x5b\x5d-\x7e]+$/;

/** `scheme://host[:port]` of an http(s) origin written alone, or undefined. */
export function parseOrigin(text: string): string | undefined {
  if (!PLAIN_URL_TEXT.test(text) || !/^https?:\/\/[^/]/i.test(text) || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  const originOnly =
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '';
  return originOnly && !text.endsWith('?') && !text.endsWith('#') ? url.origin : undefined;
}

/** ALLOWED_RETURN_ORIGINS: comma-separated origins; undefined when any one is not an origin. */
export function parseOriginList(text: string): readonly string[] | undefined {
  const origins = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(parseOrigin);
  return origins.every((origin) => origin !== undefined) ? [...new Set(origins)] : undefined;
}

/**
 * The absolute URL to go to after sign-in, or undefined when `returnTo` must be ignored.
 * `ownOrigin` is Gatehouse's own origin (paths are resolved against it); `allowedOrigins` the
 * configured others.
 */
export function allowedReturnTo(
  returnTo: string,
  ownOrigin: string,
  allowedOrigins: readonly string[],
): string | undefined {
  if (returnTo.length > RETURN_TO_MAX_LENGTH || !PLAIN_URL_TEXT.test(returnTo)) return undefined;
  // A path of ours ("/profile", never "//host"), or an absolute http(s) URL: never javascript:,
  // data: or a bare "evil.example".
  const path = returnTo.startsWith('/') && !returnTo.startsWith('//');
  if (!path && !/^https?:\/\/[^/]/i.test(returnTo)) return undefined;
  if (!URL.canParse(returnTo, ownOrigin)) return undefined;
  const url = new URL(returnTo, ownOrigin);
  if (url.username !== '' || url.password !== '') return undefined;
  return url.origin === ownOrigin || allowedOrigins.includes(url.origin) ? url.href : undefined;
}

/**
 * Where forward-auth sends a browser that is not signed in (the `Location` of its 401, which the
 * proxy turns into a redirect): Gatehouse's sign-in page, with `returnTo` only when the
 * address the proxy reports (X-Original-URL) is allowed; otherwise the plain sign-in page.
 */
export function signInPageFor(
  originalUrl: string | undefined,
  ownOrigin: string,
  allowedOrigins: readonly string[],
): string {
  const target =
    originalUrl === undefined ? undefined : allowedReturnTo(originalUrl, ownOrigin, allowedOrigins);
  return target === undefined
    ? `${ownOrigin}/login`
    : `${ownOrigin}/login?returnTo=${encodeURIComponent(target)}`;
}
