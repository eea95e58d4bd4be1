import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * Cookie names and flags (docs/requirements.md C1). Under https every cookie takes the __Host-
 * prefix, which browsers accept only with Secure, Path=/ and no Domain, so no other subdomain
 * can plant one.
 */
export interface CookiePolicy {
  readonly sessionName: string;
  readonly csrfName: string;
  readonly session: CookieSerializeOptions;
  readonly csrf: CookieSerializeOptions;
  /** What the CSRF token is bound to before sign-in (plugins/csrf.ts); flags as the session's. */
  readonly preSessionName: string;
  /** "Remember this browser" for the second factor (services/remembered-browsers.ts); Max-Age set per cookie. */
  readonly rememberName: string;
  readonly remember: CookieSerializeOptions;
}

export function cookiePolicy(secure: boolean): CookiePolicy {
  return {
    sessionName: secure ? '__Host-gh_session' : 'gh_session',
    csrfName: secure ? '__Host-gh_csrf' : 'gh_csrf',
    session: { httpOnly: true, sameSite: 'lax', path: '/', secure },
    // Readable by the page's script, which echoes it in x-csrf-token.
    csrf: { httpOnly: false, sameSite: 'lax', path: '/', secure },
    preSessionName: secure ? '__Host-gh_presession' : 'gh_presession',
    rememberName: secure ? '__Host-gh_remember' : 'gh_remember',
    remember: { httpOnly: true, sameSite: 'lax', path: '/', secure },
  };
}
