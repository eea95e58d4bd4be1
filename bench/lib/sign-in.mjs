// Signs users in over HTTP, for loads that need sessions: returns each one's `gh_session=…` cookie.

/** One sign-in (password only); `headers` must carry the CSRF cookie and header. */
export async function sessionCookie(url, headers, { practiceCode, username, password }) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ practiceCode, username, password }),
  });
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith('gh_session='))
    ?.split(';')[0];
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

/** The password every bench user shares (bench/lib/seed.mjs), and a CSRF cookie and header pair. */
export const BENCH_PASSWORD = 'bench password: correct horse battery staple';
const CSRF = 'benchcsrftokenbenchcsrftokenbenchcsrftoken1';
export const CSRF_HEADERS = {
  cookie: `gh_csrf=${CSRF}`,
  'x-csrf-token': CSRF,
  'user-agent': 'gatehouse-bench/1.0',
};

/** wrk requests (bench/lib/wrk.mjs) signing in `${prefix}0` … `${prefix}${count - 1}` in turn, password only. */
export function signInRequests({ practiceCode, prefix, count, password = BENCH_PASSWORD }) {
  return Array.from({ length: count }, (_, i) => ({
    method: 'POST',
    path: '/api/auth/login',
    headers: { ...CSRF_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ practiceCode, username: `${prefix}${i}`, password }),
  }));
}
