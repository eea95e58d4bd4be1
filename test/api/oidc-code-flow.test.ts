import { createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGOUT_MAX_ATTEMPTS } from '../../src/services/apps/app-logout-delivery.js';
import { createApp } from '../../src/services/apps/oidc-apps.js';
import { purgeExpiredRows } from '../../src/services/operations/expired-rows-purge.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { freePort } from '../support/free-port.js';

/**
 * The authorization code flow end to end with a real relying party (openid-client 6) against
 * the provider at /oidc, driven with fetch and cookies (no browser), on SQLite and PostgreSQL:
 * a signed-in Gatehouse user reaches the app's redirect URI with a code (single sign-on), the
 * code becomes an ID token whose claims are verified, and userinfo agrees. Then what must be
 * refused is refused with the right OAuth error. Last, back-channel logout: apps with a real HTTP
 * endpoint receive, and verify against JWKS, a logout token for each Gatehouse session that ends.
 */
const REDIRECT_URI = 'http://127.0.0.1:49152/callback';
const ORIGIN = { ip: '127.0.0.1', userAgent: 'test' };

let server: TestServer;
let practice: TestPractice;
let user: SeededUser;
let issuer: URL;
let confidential: { clientId: string; clientSecret: string };
let publicClientId: string;
let thirdParty: { clientId: string; clientSecret: string };

beforeAll(async () => {
  const port = await freePort();
  server = await startTestServer({ port, publicUrl: `http://127.0.0.1:${port}` });
  issuer = new URL(`http://127.0.0.1:${port}/oidc`);
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, {
    username: 'dana',
    firstName: 'Dana',
    lastName: 'Scully',
    roles: ['clinician', 'biller'],
  });
  await server.deps.store.db
    .updateTable('users')
    .set({ fhir_user: 'https://fhir.example.com/Practitioner/42' })
    .where('id', '=', user.id)
    .execute();
  const context = { practiceId: practice.practiceId, actor: null, origin: ORIGIN };
  const ehr = await createApp(server.deps, {
    name: 'EHR',
    redirectUris: [REDIRECT_URI],
    confidential: true,
    firstParty: true,
    ...context,
  });
  const spa = await createApp(server.deps, {
    name: 'Scheduling',
    redirectUris: [REDIRECT_URI],
    confidential: false,
    firstParty: true,
    ...context,
  });
  const billing = await createApp(server.deps, {
    ...context,
    name: 'Billing',
    redirectUris: [REDIRECT_URI],
    confidential: true,
    firstParty: false,
  });
  if (
    !ehr.ok ||
    !spa.ok ||
    !billing.ok ||
    ehr.clientSecret === undefined ||
    billing.clientSecret === undefined
  )
    throw new Error('apps not created');
  confidential = { clientId: ehr.app.clientId, clientSecret: ehr.clientSecret };
  thirdParty = { clientId: billing.app.clientId, clientSecret: billing.clientSecret };
  publicClientId = spa.app.clientId;
});
afterAll(() => server.close());

function relyingParty(clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(
    issuer,
    clientId,
    undefined,
    clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
}

/** Follows the browser's redirects from the authorization URL until one leaves for the app (or none does). */
async function browse(browser: HttpClient, start: URL): Promise<{ status: number; location: string | null }> {
  let next = start.pathname + start.search;
  for (let hop = 0; hop < 10; hop++) {
    const response = await browser.get(next);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null)
      return { status: response.status, location: null };
    const url = new URL(location, issuer);
    if (url.origin !== issuer.origin || url.pathname === '/login' || url.pathname === '/authorize')
      return { status: response.status, location: url.href };
    next = url.pathname + url.search;
  }
  throw new Error('too many redirects');
}

async function authorize(
  browser: HttpClient,
  rp: oidc.Configuration,
  extra: Record<string, string> = {},
  scope = 'openid profile email roles fhirUser offline_access',
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: REDIRECT_URI,
    scope,
    prompt: 'consent',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  const { location } = await browse(browser, url);
  return { location: location ?? '', verifier, state };
}

/** The same token request of the confidential app, `count` times at once, sent as is (no client library checking). */
function sendAtOnce(
  count: number,
  parameters: Record<string, string>,
): Promise<Array<{ status: number; body: Record<string, unknown> }>> {
  const credentials = Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64');
  const send = async () => {
    const response = await fetch(new URL('/oidc/token', issuer), {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(parameters).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return Promise.all(Array.from({ length: count }, send));
}

async function userinfoStatus(accessToken: string): Promise<number> {
  const response = await fetch(new URL('/oidc/me', issuer), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.status;
}

/** How many grants, tokens, codes and provider sessions the provider holds for a user. */
async function providerRowsOf(userId: string): Promise<number> {
  const row = await server.deps.store.db
    .selectFrom('oidc_payloads')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('authorization code flow', () => {
  it('signs a Gatehouse user in to a confidential app: verified ID token claims, userinfo agreeing, app.signed_in', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location, verifier, state } = await authorize(browser, rp);
    expect(location.startsWith(REDIRECT_URI)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: issuer.href,
      aud: confidential.clientId,
      sub: user.id,
      preferred_username: 'dana',
      name: 'Dana Scully',
      given_name: 'Dana',
      family_name: 'Scully',
      email: `dana@${practice.code.toLowerCase()}.test`,
      practice: practice.code,
      roles: ['clinician', 'biller'],
      fhirUser: 'https://fhir.example.com/Practitioner/42',
      amr: ['pwd'],
      auth_time: expect.any(Number),
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, user.id);
    expect(userinfo).toMatchObject({ sub: user.id, practice: practice.code, roles: ['clinician', 'biller'] });
    const [event] = await eventsOf(server.deps.store, user.id);
    expect(event).toMatchObject({ type: 'app.signed_in', outcome: 'success', details: { app: 'EHR' } });
  });

  it('sends a browser without a Gatehouse session to the sign-in page with the app’s practice', async () => {
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location } = await authorize(new HttpClient(server.url), rp);
    const login = new URL(location);
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('practice')).toBe(practice.code);
    expect(login.searchParams.get('returnTo')).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
  });

  it('refuses a user of another practice: the page says why, consent is refused, never the app', async () => {
    const other = await seedPractice(server.deps);
    const stranger = await seedUser(server.deps, other, { username: 'stranger' });
    const browser = await signedInClient(server.url, other.code, stranger);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location } = await authorize(browser, rp);
    const page = new URL(location);
    expect(page.pathname).toBe('/authorize');
    const uid = page.searchParams.get('interaction') ?? '';
    const details = await browser.get(`/oidc/interaction/${uid}/details`);
    expect(details.body).toMatchObject({
      app: { name: 'EHR' },
      practice: { code: practice.code },
      session: 'other_practice',
    });
    const consent = await browser.post(`/oidc/interaction/${uid}/consent`, { allow: true });
    expect(consent.status).toBe(403);
    expect(consent.text).toContain(practice.code);
  });

  it('asks once before signing in to an app that is not first-party: Deny returns access_denied, Allow is remembered', async () => {
    const rp = await relyingParty(thirdParty.clientId, thirdParty.clientSecret);
    const scope = 'openid profile roles';
    const denying = await signedInClient(server.url, practice.code, user);
    const denied = await authorize(denying, rp, { prompt: '' }, scope);
    const deniedPage = new URL(denied.location);
    expect(deniedPage.pathname).toBe('/authorize');
    const deniedUid = deniedPage.searchParams.get('interaction') ?? '';
    const refusal = await denying.post<{ redirectTo: string }>(`/oidc/interaction/${deniedUid}/consent`, {
      allow: false,
    });
    expect(refusal.status).toBe(200);
    const back = await browse(denying, new URL(refusal.body.redirectTo));
    const error = new URL(back.location ?? '');
    expect(error.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(error.searchParams.get('error')).toBe('access_denied');

    const browser = await signedInClient(server.url, practice.code, user);
    const first = await authorize(browser, rp, { prompt: '' }, scope);
    const uid = new URL(first.location).searchParams.get('interaction') ?? '';
    const details = await browser.get(`/oidc/interaction/${uid}/details`);
    expect(details.body).toEqual({
      app: { name: 'Billing', clientId: thirdParty.clientId, firstParty: false },
      practice: { code: practice.code },
      scopes: ['openid', 'profile', 'roles'],
      session: 'this_practice',
    });
    const allowed = await browser.post<{ redirectTo: string }>(`/oidc/interaction/${uid}/consent`, {
      allow: true,
    });
    const { location } = await browse(browser, new URL(allowed.body.redirectTo));
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location ?? ''), {
      pkceCodeVerifier: first.verifier,
      expectedState: first.state,
    });
    expect(tokens.claims()).toMatchObject({
      sub: user.id,
      practice: practice.code,
      roles: ['clinician', 'biller'],
    });
    // The second sign-in in this browser goes straight back to the app.
    const second = await authorize(browser, rp, { prompt: '' }, scope);
    expect(second.location.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(second.location).searchParams.get('code')).toEqual(expect.any(String));
    const events = await eventsOf(server.deps.store, user.id);
    expect(
      events.filter((event) => event.type === 'app.signed_in' && event.details.app === 'Billing'),
    ).toEqual([
      expect.objectContaining({ outcome: 'success' }),
      expect.objectContaining({ outcome: 'failure' }),
    ]);
  });

  it('refuses a reused code, a wrong client secret and a wrong redirect URI', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const first = await authorize(browser, rp);
    const check = { pkceCodeVerifier: first.verifier, expectedState: first.state };
    await oidc.authorizationCodeGrant(rp, new URL(first.location), check);
    await expect(oidc.authorizationCodeGrant(rp, new URL(first.location), check)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const second = await authorize(browser, rp);
    const wrongSecret = await relyingParty(confidential.clientId, 'not-the-secret');
    await expect(
      oidc.authorizationCodeGrant(wrongSecret, new URL(second.location), {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
      }),
    ).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });

    const wrongRedirect = await browser.get(
      `/oidc/auth?${new URLSearchParams({
        client_id: confidential.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: 'http://127.0.0.1:49152/other',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }).toString()}`,
    );
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.text).toContain('redirect_uri');
    expect(wrongRedirect.headers.get('location')).toBeNull();
  });

  it('gives each code sent 20 times at once tokens once, and revokes the grant of the tokens it gave', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    for (let code = 0; code < 5; code++) {
      const { location, verifier } = await authorize(browser, rp);
      const answers = await sendAtOnce(20, {
        grant_type: 'authorization_code',
        code: new URL(location).searchParams.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
      for (const answer of answers.filter((answer) => answer.status !== 200))
        expect([answer.status, answer.body.error]).toEqual([400, 'invalid_grant']);
      // Whichever request won, the code's reuse revoked its grant: its access token is refused.
      const winner = answers.find((answer) => answer.status === 200);
      expect(await userinfoStatus(String(winner?.body.access_token))).toBe(401);
    }
  });

  it('rotates a refresh token sent 20 times at once once, and revokes its grant', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location, verifier, state } = await authorize(browser, rp);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const answers = await sendAtOnce(20, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((answer) => answer.status !== 200))
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_grant']);
    const rotated = answers.find((answer) => answer.status === 200)?.body.refresh_token;
    await expect(oidc.refreshTokenGrant(rp, String(rotated))).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('requires PKCE S256 of a public app', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const base = {
      client_id: publicClientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
    };
    const withoutPkce: Record<string, string> = {};
    for (const pkce of [withoutPkce, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }]) {
      const response = await browser.get(
        `/oidc/auth?${new URLSearchParams({ ...base, ...pkce }).toString()}`,
      );
      const location = new URL(response.headers.get('location') ?? '', issuer);
      expect(location.href.startsWith(REDIRECT_URI), JSON.stringify(pkce)).toBe(true);
      expect(location.searchParams.get('error')).toBe('invalid_request');
    }
    const rp = await relyingParty(publicClientId);
    const { location, verifier, state } = await authorize(browser, rp);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(user.id);
  });

  it('asks a signed-in browser to sign in again when the app wants a fresh sign-in (prompt=login)', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location, verifier, state } = await authorize(browser, rp, { prompt: 'login' });
    const signInPage = new URL(location);
    expect(signInPage.pathname).toBe('/login');
    expect(signInPage.searchParams.get('practice')).toBe(practice.code);
    expect(signInPage.searchParams.get('reauthenticate')).toBe('1');
    // The provider dates its interaction by the real clock, the server its sessions by the test's.
    server.clock.advance(Math.max(0, Date.now() - server.clock.now()) + 1000);
    const again = await browser.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    expect(again.status).toBe(200);
    const back = await browse(browser, new URL(signInPage.searchParams.get('returnTo') ?? '', issuer));
    expect(back.location?.startsWith(REDIRECT_URI)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(back.location ?? ''), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.auth_time).toBe(Math.floor(server.clock.now() / 1000));
  });

  it('ends the Gatehouse session when the user confirms an app’s sign-out (RP-initiated logout)', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location, verifier, state } = await authorize(browser, rp);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const endSession = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token ?? '' });
    const form = await browser.get(endSession.pathname + endSession.search);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    expect(xsrf).not.toBe('');
    expect((await browser.get('/api/me')).status).toBe(200);
    const confirmed = await browser.post(
      '/oidc/session/end/confirm',
      new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expect(confirmed.status).toBeLessThan(400);
    expect((await browser.get('/api/me')).status).toBe(401);
    const events = await eventsOf(server.deps.store, user.id);
    expect(events[0]).toMatchObject({ type: 'logout', outcome: 'success' });
  });

  it('rotates refresh tokens and revokes the grant when a used one comes back', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location, verifier, state } = await authorize(browser, rp);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const first = tokens.refresh_token ?? '';
    const rotated = await oidc.refreshTokenGrant(rp, first);
    expect(rotated.refresh_token).toEqual(expect.any(String));
    expect(rotated.refresh_token).not.toBe(first);
    await expect(oidc.refreshTokenGrant(rp, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The reuse revoked the whole grant: the newest token is refused too.
    await expect(oidc.refreshTokenGrant(rp, rotated.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('stops a deactivated user’s refresh token and access token', async () => {
    const leaving = await seedUser(server.deps, practice, { username: 'leaving' });
    const boss = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
    const browser = await signedInClient(server.url, practice.code, leaving);
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const { location, verifier, state } = await authorize(browser, rp);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const admin = await signedInClient(server.url, practice.code, boss);
    const deactivated = await admin.request('PATCH', `/api/staff/${leaving.id}`, { status: 'deactivated' });
    expect(deactivated.status).toBe(200);
    expect(await providerRowsOf(leaving.id)).toBe(0);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, leaving.id)).rejects.toMatchObject({
      status: 401,
    });
  });

  it('publishes discovery and a JWKS whose RS256 key verifies the ID tokens', async () => {
    const rp = await relyingParty(confidential.clientId, confidential.clientSecret);
    const metadata = rp.serverMetadata();
    expect(metadata).toMatchObject({
      issuer: issuer.href,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      backchannel_logout_supported: true,
    });
    expect(metadata.end_session_endpoint).toBe(`${issuer.href}/session/end`);
    expect(metadata.revocation_endpoint).toBeDefined();
    expect(metadata.introspection_endpoint).toBeDefined();
    const jwks = (await (await fetch(metadata.jwks_uri ?? '')).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});

/**
 * An app's back-channel logout endpoint (one HTTP server, a path per app): it answers 500 while
 * `failing` is above zero, else keeps the logout token it was sent.
 */
class LogoutEndpoint {
  readonly received: { readonly path: string; readonly token: string }[] = [];
  failing = 0;
  readonly #server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (this.failing > 0) {
        this.failing--;
        response.writeHead(500).end();
        return;
      }
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      this.received.push({ path: request.url ?? '', token });
      response.writeHead(200).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The tokens received since the last call. */
  take(): { readonly path: string; readonly token: string }[] {
    return this.received.splice(0);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A logout token's claims after its RS256 signature verified against the provider's JWKS. */
async function verifiedLogoutToken(token: string, rp: oidc.Configuration): Promise<Record<string, unknown>> {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  const { kid, alg } = decode(header);
  expect(alg).toBe('RS256');
  const jwks = (await (await fetch(rp.serverMetadata().jwks_uri ?? '')).json()) as {
    keys: (Record<string, unknown> & { kid: string })[];
  };
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk) throw new Error(`no key ${String(kid)} in JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${header}.${payload}`);
  expect(verify('RSA-SHA256', data, key, Buffer.from(signature, 'base64url'))).toBe(true);
  return decode(payload);
}

describe('back-channel logout', () => {
  const endpoint = new LogoutEndpoint();
  let billing: { clientId: string; clientSecret: string };
  let portal: { clientId: string };
  let admin: SeededUser;

  beforeAll(async () => {
    const base = await endpoint.start();
    const context = { practiceId: practice.practiceId, actor: null, origin: ORIGIN };
    const billingApp = await createApp(server.deps, {
      ...context,
      name: 'Billing',
      redirectUris: [REDIRECT_URI],
      backchannelLogoutUri: `${base}/billing`,
      confidential: true,
      firstParty: true,
    });
    const portalApp = await createApp(server.deps, {
      ...context,
      name: 'Portal',
      redirectUris: [REDIRECT_URI],
      backchannelLogoutUri: `${base}/portal`,
      confidential: false,
      firstParty: true,
    });
    if (!billingApp.ok || !portalApp.ok || billingApp.clientSecret === undefined)
      throw new Error('apps not created');
    billing = { clientId: billingApp.app.clientId, clientSecret: billingApp.clientSecret };
    portal = { clientId: portalApp.app.clientId };
    admin = await seedUser(server.deps, practice, { username: 'bc-admin', roles: ['practice_admin'] });
  });
  afterAll(() => endpoint.close());

  /** Signs the browser in to an app; its tokens and the `sid` of its ID token. */
  async function signInTo(browser: HttpClient, rp: oidc.Configuration) {
    const { location, verifier, state } = await authorize(browser, rp);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const sid = tokens.claims()?.sid;
    expect(sid).toEqual(expect.any(String));
    return { tokens, sid: String(sid) };
  }

  it('sign-out sends both apps a logout token, verified against JWKS, and ends the provider’s session', async () => {
    const nurse = await seedUser(server.deps, practice, { username: 'bc-nurse' });
    const browser = await signedInClient(server.url, practice.code, nurse);
    const billingRp = await relyingParty(billing.clientId, billing.clientSecret);
    const portalRp = await relyingParty(portal.clientId);
    const toBilling = await signInTo(browser, billingRp);
    const toPortal = await signInTo(browser, portalRp);
    // Until the Gatehouse session ends, the provider's own session gives a code without a prompt.
    expect((await authorize(browser, billingRp, { prompt: 'none' })).location).toContain('code=');

    expect((await browser.post('/api/auth/logout')).status).toBe(204);
    expect(await server.deliverAppLogouts()).toBe(2);
    const received = endpoint.take().sort((a, b) => a.path.localeCompare(b.path));
    expect(received.map((one) => one.path)).toEqual(['/billing', '/portal']);
    const expected = [
      { rp: billingRp, clientId: billing.clientId, sid: toBilling.sid },
      { rp: portalRp, clientId: portal.clientId, sid: toPortal.sid },
    ];
    for (const [index, { rp, clientId, sid }] of expected.entries()) {
      const claims = await verifiedLogoutToken(received[index]?.token ?? '', rp);
      expect(claims).toMatchObject({
        iss: issuer.href,
        aud: clientId,
        sub: nurse.id,
        sid,
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
        iat: expect.any(Number),
        jti: expect.any(String),
      });
      expect(claims).not.toHaveProperty('nonce');
    }
    const told = (await eventsOf(server.deps.store, nurse.id)).filter(
      (event) => event.type === 'app.signed_out',
    );
    expect(told.map((event) => [event.outcome, event.details.app]).sort()).toEqual([
      ['success', 'Billing'],
      ['success', 'Portal'],
    ]);
    // No single sign-on is left: the provider's session ended with Gatehouse's.
    const after = new URL((await authorize(browser, billingRp, { prompt: 'none' })).location);
    expect(after.searchParams.get('error')).toBe('login_required');
    expect(await server.deliverAppLogouts()).toBe(0);
  });

  it('gives no single sign-on to a browser that lost its Gatehouse session, though that session lives on', async () => {
    const medic = await seedUser(server.deps, practice, { username: 'bc-medic' });
    const browser = await signedInClient(server.url, practice.code, medic);
    const rp = await relyingParty(billing.clientId, billing.clientSecret);
    await signInTo(browser, rp);
    for (const name of [...browser.cookies.keys()])
      if (name.endsWith('gh_session')) browser.cookies.delete(name);
    const silent = new URL((await authorize(browser, rp, { prompt: 'none' })).location);
    expect(silent.searchParams.get('error')).toBe('login_required');
    const { location } = await authorize(browser, rp, { prompt: '' });
    expect(new URL(location).pathname).toBe('/login');
  });

  it('an admin reset sends the logout and stops the app’s refresh token', async () => {
    const clerk = await seedUser(server.deps, practice, { username: 'bc-clerk' });
    const browser = await signedInClient(server.url, practice.code, clerk);
    const rp = await relyingParty(billing.clientId, billing.clientSecret);
    const { tokens, sid } = await signInTo(browser, rp);
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token ?? '');

    const adminBrowser = await signedInClient(server.url, practice.code, admin);
    expect((await adminBrowser.post(`/api/staff/${clerk.id}/reset-password`)).status).toBe(200);
    await expect(oidc.refreshTokenGrant(rp, refreshed.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await providerRowsOf(clerk.id)).toBe(0);
    expect(await server.deliverAppLogouts()).toBe(1);
    const [received] = endpoint.take();
    expect(await verifiedLogoutToken(received?.token ?? '', rp)).toMatchObject({
      aud: billing.clientId,
      sub: clerk.id,
      sid,
    });
  });

  it('retries with backoff when the app answered 500 first', async () => {
    const porter = await seedUser(server.deps, practice, { username: 'bc-porter' });
    const browser = await signedInClient(server.url, practice.code, porter);
    const rp = await relyingParty(portal.clientId);
    const { sid } = await signInTo(browser, rp);
    endpoint.failing = 1;
    expect((await browser.post('/api/auth/logout')).status).toBe(204);

    expect(await server.deliverAppLogouts()).toBe(0);
    const queued = await server.deps.store.db
      .selectFrom('oidc_logout_outbox')
      .select(['attempts', 'last_error'])
      .where('user_id', '=', porter.id)
      .executeTakeFirstOrThrow();
    expect(queued).toMatchObject({ attempts: 1, last_error: expect.stringContaining('500') });
    expect(await server.deliverAppLogouts()).toBe(0);
    expect(endpoint.take()).toEqual([]);
    server.clock.advance(30_000);
    expect(await server.deliverAppLogouts()).toBe(1);
    const [received] = endpoint.take();
    expect(await verifiedLogoutToken(received?.token ?? '', rp)).toMatchObject({ sub: porter.id, sid });
  });

  it('sends each logout once when several delivery passes run at the same moment', async () => {
    const sids: string[] = [];
    for (let n = 0; n < 6; n++) {
      const clerk = await seedUser(server.deps, practice, { username: `bc-clerk${n}` });
      const browser = await signedInClient(server.url, practice.code, clerk);
      sids.push((await signInTo(browser, await relyingParty(portal.clientId))).sid);
      expect((await browser.post('/api/auth/logout')).status).toBe(204);
    }
    // Each pass claims rows with a lease on its own connection (PostgreSQL's pool), as instances do.
    const told = await Promise.all(Array.from({ length: 4 }, () => server.deliverAppLogouts()));
    expect(told.reduce((sum, n) => sum + n, 0)).toBe(sids.length);
    const received = endpoint.take();
    const claims = await Promise.all(
      received.map(async (one) => verifiedLogoutToken(one.token, await relyingParty(portal.clientId))),
    );
    expect(claims.map((claim) => claim.sid).sort()).toEqual([...sids].sort());
  });

  it('gives up after its last try, recorded as app.signed_out failed', async () => {
    const temp = await seedUser(server.deps, practice, { username: 'bc-temp' });
    const browser = await signedInClient(server.url, practice.code, temp);
    await signInTo(browser, await relyingParty(billing.clientId, billing.clientSecret));
    expect((await browser.post('/api/auth/logout')).status).toBe(204);
    const queued = server.deps.store.db.updateTable('oidc_logout_outbox').where('user_id', '=', temp.id);
    await queued.set({ attempts: LOGOUT_MAX_ATTEMPTS - 1 }).execute();
    endpoint.failing = 1;
    expect(await server.deliverAppLogouts()).toBe(0);
    const left = await server.deps.store.db
      .selectFrom('oidc_logout_outbox')
      .select('id')
      .where('user_id', '=', temp.id)
      .execute();
    expect(left).toEqual([]);
    const [event] = await eventsOf(server.deps.store, temp.id);
    expect(event).toMatchObject({
      type: 'app.signed_out',
      outcome: 'failure',
      details: { app: 'Billing', attempts: LOGOUT_MAX_ATTEMPTS },
    });
  });

  it('a session the scheduled purge deletes, past its timeout, sends the logout too', async () => {
    const locum = await seedUser(server.deps, practice, { username: 'bc-locum' });
    const browser = await signedInClient(server.url, practice.code, locum);
    const rp = await relyingParty(portal.clientId);
    const { sid } = await signInTo(browser, rp);
    server.clock.advance(25 * 60 * 60 * 1000);
    await purgeExpiredRows(server.deps);
    await server.deliverAppLogouts();
    const mine = endpoint.take().filter((one) => one.path === '/portal');
    const claims = await Promise.all(mine.map((one) => verifiedLogoutToken(one.token, rp)));
    expect(claims.filter((one) => one.sub === locum.id)).toMatchObject([{ sid }]);
  });
});
