// Signs users in over HTTP, for loads that need sessions: returns each one's `gh_session=…` cookie.

/** The `name=value` pairs of these Set-Cookie lines, for a Cookie header. */
function cookiePairs(response, names) {
  const pairs = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .filter((pair) => names.includes(pair.slice(0, pair.indexOf('='))));
  return pairs.length === names.length ? pairs.join('; ') : undefined;
}

/**
 * A browser's CSRF cookie and header before sign-in (the token is bound to its pre-session,
 * src/domain/csrf-token.ts): one pair that every sign-in of a load may reuse.
 */
export async function csrfHeaders(url, userAgent = 'gatehouse-bench/1.0') {
  const response = await fetch(`${url}/api/auth/session`, { headers: { 'user-agent': userAgent } });
  const cookie = cookiePairs(response, ['gh_presession', 'gh_csrf']);
  if (!cookie) throw new Error(`no CSRF cookie from ${url}: ${response.status}`);
  return { cookie, 'x-csrf-token': cookie.split('gh_csrf=')[1], 'user-agent': userAgent };
}

/**
 * One sign-in (password only); `headers` from csrfHeaders. Returns `gh_session=…; gh_csrf=…`:
 * the session and the CSRF token bound to it, so requests made with it are answered without a
 * new CSRF cookie.
 */
export async function sessionCookie(url, headers, { practiceCode, username, password }) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ practiceCode, username, password }),
  });
  const cookie = cookiePairs(response, ['gh_session', 'gh_csrf']);
  if (response.status !== 200 || !cookie)
    throw new Error(`sign-in of ${username} failed: ${response.status}`);
  return cookie;
}

/** Sessions of `${prefix}0` … `${prefix}${count - 1}`, one each: many users, as in a practice. */
export async function sessionCookies(url, headers, { practiceCode, prefix, count, password }) {
  const cookies = [];
  for (let i = 0; i < count; i++)
    cookies.push(await sessionCookie(url, headers, { practiceCode, username: `${prefix}${i}`, password }));
  return cookies;
}

/** The password every bench user shares (bench/lib/seed.mjs). */
export const BENCH_PASSWORD = 'bench password: correct horse battery staple';

/**
 * wrk requests (bench/lib/wrk.mjs) signing in `${prefix}0` … `${prefix}${count - 1}` in turn,
 * password only; `headers` from csrfHeaders.
 */
export function signInRequests({ headers, practiceCode, prefix, count, password = BENCH_PASSWORD }) {
  return Array.from({ length: count }, (_, i) => ({
    method: 'POST',
    path: '/api/auth/login',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ practiceCode, username: `${prefix}${i}`, password }),
  }));
}
