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
