import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/services/apps/oidc-apps.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import {
  freePort,
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * The authorization code flow end to end with a real relying party (openid-client 6) against
 * the provider at /oidc, driven with fetch and cookies (no browser), on SQLite and PostgreSQL:
 * a signed-in Gatehouse user reaches the app's redirect URI with a code (single sign-on), the
 * code becomes an ID token whose claims are verified, and userinfo agrees. Then what must be
 * refused is refused with the right OAuth error.
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
  const ehr = await createApp(server.deps, context, {
    name: 'EHR',
    redirectUris: [REDIRECT_URI],
    confidential: true,
    firstParty: true,
  });
  const spa = await createApp(server.deps, context, {
    name: 'Scheduling',
    redirectUris: [REDIRECT_URI],
    confidential: false,
    firstParty: true,
  });
  const billing = await createApp(server.deps, context, {
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
