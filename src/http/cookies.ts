import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * Cookie names and flags (docs/requirements.md C1). Under https every cookie takes the __Host-
 * prefix, which browsers accept only with Secure, Path=/ and no Domain, so no other subdomain
 * can plant one.
 *
 * The one exception is SESSION_COOKIE_DOMAIN (forward-auth for apps on other subdomains,
 * docs/deploy.md): the session cookie then carries that Domain, so it cannot be __Host-; under
 * https it takes __Secure-, which still demands Secure. Every other cookie stays __Host-.
 */
export interface CookiePolicy {
  readonly sessionName: string;
  readonly csrfName: string;
  readonly session: CookieSerializeOptions;
  readonly csrf: CookieSerializeOptions;
  /** What the CSRF token is bound to before sign-in (plugins/csrf.ts); host-only, whatever the session's domain. */
  readonly preSessionName: string;
  readonly preSession: CookieSerializeOptions;
  /** "Remember this browser" for the second factor (services/two-factor/remembered-browsers.ts); Max-Age set per cookie. */
  readonly rememberName: string;
  readonly remember: CookieSerializeOptions;
}

/** `sessionDomain`: SESSION_COOKIE_DOMAIN, when the session cookie is shared with subdomains. */
export function cookiePolicy(secure: boolean, sessionDomain?: string): CookiePolicy {
  const hostOnly: CookieSerializeOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure };
  const sessionPrefix = !secure ? '' : sessionDomain ? '__Secure-' : '__Host-';
  return {
    sessionName: `${sessionPrefix}gh_session`,
    csrfName: secure ? '__Host-gh_csrf' : 'gh_csrf',
    session: sessionDomain ? { ...hostOnly, domain: sessionDomain } : hostOnly,
    // Readable by the page's script, which echoes it in x-csrf-token.
    csrf: { httpOnly: false, sameSite: 'lax', path: '/', secure },
    preSessionName: secure ? '__Host-gh_presession' : 'gh_presession',
    preSession: hostOnly,
    rememberName: secure ? '__Host-gh_remember' : 'gh_remember',
    remember: { httpOnly: true, sameSite: 'lax', path: '/', secure },
  };
}
