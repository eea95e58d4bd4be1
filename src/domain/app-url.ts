/**
 * URLs an administrator registers for an app (redirect, post-logout and back-channel logout
 * URIs) or sets as a user's fhirUser: absolute, https, or http only on a loopback host (an app
 * under development on the administrator's own computer; RFC 8252 section 7.3). No fragment
 * (RFC 6749 section 3.1.2) and no user name or password in the URL. Redirect URIs are matched
 * exactly as registered, so the text is kept as given.
 */
export const MAX_APP_URL_LENGTH = 2000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why the text is not an acceptable app URL, or undefined when it is. */
export function appUrlProblem(text: string): string | undefined {
  if (text.length > MAX_APP_URL_LENGTH) return `A URL may be at most ${MAX_APP_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `“${text}” is not an absolute URL (such as https://ehr.example.com/callback).`;
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname))
    return `“${text}” must use https: plain http is allowed only for 127.0.0.1, [::1] and localhost.`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `“${text}” must be an https URL.`;
  if (url.hash !== '' || text.includes('#')) return `“${text}” must not contain a fragment (#…).`;
  if (url.username !== '' || url.password !== '')
    return `“${text}” must not contain a user name or password.`;
  return undefined;
}

/** The first problem among several URLs, or undefined when all are acceptable. */
export function appUrlsProblem(texts: readonly string[]): string | undefined {
  for (const text of texts) {
    const problem = appUrlProblem(text);
    if (problem) return problem;
  }
  return undefined;
}
