// The OpenID Connect authorization code flow against the provider at /oidc, driven as a browser
// and an app drive it (test/api/oidc-code-flow.test.ts does the same with openid-client): codes
// made ahead of a code-exchange load, and the wrk requests that exchange them or call userinfo.
import { createHash, randomBytes } from 'node:crypto';

/** What an app asks for: the claims a practice's app needs (no offline_access: no refresh token). */
export const APP_SCOPE = 'openid profile email roles';

/**
 * A signed-in browser (`cookie` from bench/lib/sign-in.mjs sessionCookie) that keeps the cookies
 * the provider sets (its session, the interaction's) and follows nothing by itself.
 */
export function oidcBrowser(url, cookie) {
  const jar = new Map(cookie.split('; ').map((pair) => pair.split(/=(.*)/s).slice(0, 2)));
  return {
    async get(pathAndQuery) {
      const response = await fetch(`${url}${pathAndQuery}`, {
        headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
        redirect: 'manual',
      });
      for (const line of response.headers.getSetCookie()) {
        const [name, value] = line.split(';')[0].split(/=(.*)/s);
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
        else jar.set(name, value);
      }
      await response.arrayBuffer();
      return response;
    },
  };
}

/**
 * One authorization code for `app` ({ clientId, redirectUri }): the authorization request with
 * PKCE (S256), then the redirects the browser follows. The first for a browser passes through our
 * sign-in step (src/http/oidc/interaction.routes.ts), which finishes at once for a signed-in
 * user of a first-party app; later ones are single sign-on on the provider's session.
 */
export async function mintCode(url, browser, app) {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: APP_SCOPE,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  let next = `/oidc/auth?${query.toString()}`;
  for (let hop = 0; hop < 5; hop++) {
    const response = await browser.get(next);
    const location = response.headers.get('location');
    if (location === null) throw new Error(`GET ${next.split('?')[0]} answered ${response.status}`);
    const target = new URL(location, url);
    if (target.href.startsWith(app.redirectUri)) {
      const code = target.searchParams.get('code');
      if (!code) throw new Error(`no code for the app: ${target.search}`);
      return { code, verifier };
    }
    next = target.pathname + target.search;
  }
  throw new Error('the authorization request did not reach the app');
}

/**
 * `count` codes, made by all `browsers` at once, each browser one code after another, in the
 * order they were made.
 */
export async function mintCodes(url, browsers, app, count) {
  const codes = [];
  let claimed = 0;
  await Promise.all(
    browsers.map(async (browser) => {
      while (claimed < count) {
        const slot = claimed++;
        codes[slot] = await mintCode(url, browser, app);
      }
    }),
  );
  return codes;
}

/** The app's token request for a code (client_secret_basic, PKCE verifier), for wrk or fetch. */
export function exchangeRequest(app, { code, verifier }) {
  const credentials = `${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`;
  return {
    method: 'POST',
    path: '/oidc/token',
    headers: {
      authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      code_verifier: verifier,
    }).toString(),
  };
}

/** Exchanges one code with fetch; the token response (access_token, id_token), or an error. */
export async function exchangeCode(url, app, minted) {
  const { method, path, headers, body } = exchangeRequest(app, minted);
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const tokens = await response.json();
  if (response.status !== 200 || !tokens.id_token || !tokens.access_token)
    throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(tokens)}`);
  return tokens;
}

/** The app's userinfo request with an access token. */
export function userinfoRequest(accessToken) {
  return { path: '/oidc/me', headers: { authorization: `Bearer ${accessToken}` } };
}
