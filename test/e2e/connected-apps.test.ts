import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/services/apps/oidc-apps.js';
import { seriousAxeViolations } from '../support/axe.js';
import { launchBrowser, logInOnPage } from '../support/browser.js';
import { signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';
import { freePort } from '../support/free-port.js';

/**
 * An app signs a user in through Gatehouse in Chromium, on SQLite (project e2e) and PostgreSQL
 * (e2e-postgres): a real relying party (openid-client 6,
 * in this process, with its callback on another loopback port) sends the browser to
 * /oidc/auth; our sign-in page shows the app's name with the practice code locked; password and
 * TOTP; the consent screen (the app is not first-party); back at the app, whose code becomes
 * tokens with the right claims, and a second sign-in that asks nothing. Then an administrator
 * adds an app and replaces its secret on Settings > Connected Apps; and a second app signs in
 * without a password, until an administrator's reset of the user tells both apps (back-channel
 * logout) and stops their refresh tokens.
 */
let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let user: SeededUser;
let admin: SeededUser;
let totpSecret: string;
let callback: Server;
let redirectUri: string;
let issuer: URL;
let billing: { clientId: string; clientSecret: string };
/** Back-channel logout tokens the apps' endpoints (POST on the callback server) received. */
const logouts: { readonly path: string; readonly token: string }[] = [];
const FHIR_USER = 'https://fhir.example.com/Practitioner/99';

beforeAll(async () => {
  callback = createServer((request, response) => {
    if (request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token') ?? '';
        logouts.push({ path: request.url ?? '', token });
        response.writeHead(200).end();
      });
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<title>Billing</title><h1>Back at Billing</h1>');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  const port = await freePort();
  // The server's clock five minutes behind the provider's (the real one), so that the prompt=login step
  // below can tell a sign-in before the app's request from one after it.
  const clock = testClock(Date.now() - 300_000);
  server = await startTestServer({ port, publicUrl: `http://127.0.0.1:${port}`, clock });
  issuer = new URL(`${server.url}/oidc`);
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, {
    username: 'fox',
    firstName: 'Fox',
    lastName: 'Mulder',
    roles: ['clinician'],
  });
  admin = await seedUser(server.deps, practice, { username: 'skinner', roles: ['practice_admin'] });
  const adminClient = await signedInClient(server.url, practice.code, admin);
  const edited = await adminClient.request('PATCH', `/api/staff/${user.id}`, { fhirUser: FHIR_USER });
  expect(edited.status).toBe(200);
  const userClient = await signedInClient(server.url, practice.code, user);
  totpSecret = (await enrolTotp(userClient, user.password, server.clock)).secret;
  const created = await createApp(server.deps, {
    practiceId: practice.practiceId,
    actor: null,
    origin: { ip: '127.0.0.1', userAgent: 'test' },
    name: 'Billing',
    redirectUris: [redirectUri],
    confidential: true,
    firstParty: false,
  });
  if (!created.ok || created.clientSecret === undefined) throw new Error('app not created');
  billing = { clientId: created.app.clientId, clientSecret: created.clientSecret };
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  callback?.close();
});

/** A first-party app with its own back-channel logout path on the callback server, and its relying party. */
async function firstPartyApp(name: string) {
  const created = await createApp(server.deps, {
    practiceId: practice.practiceId,
    actor: null,
    origin: { ip: '127.0.0.1', userAgent: 'test' },
    name,
    redirectUris: [redirectUri],
    backchannelLogoutUri: `${new URL(redirectUri).origin}/logout/${name}`,
    confidential: true,
    firstParty: true,
  });
  if (!created.ok || created.clientSecret === undefined) throw new Error('app not created');
  return oidc.discovery(
    issuer,
    created.app.clientId,
    undefined,
    oidc.ClientSecretBasic(created.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
}

async function authorizationRequest(rp: oidc.Configuration, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: redirectUri,
    scope: 'openid profile roles fhirUser',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  return { url, check: { pkceCodeVerifier: verifier, expectedState: state } };
}

describe('an app signing in through Gatehouse', () => {
  it('signs in on our page with the practice locked, asks consent once, and the app gets the right claims', async () => {
    const rp = await oidc.discovery(
      issuer,
      billing.clientId,
      undefined,
      oidc.ClientSecretBasic(billing.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const first = await authorizationRequest(rp);
    await page.goto(first.url.href);
    await page.waitForURL(/\/login\?/);
    await page.getByRole('heading', { name: 'Log In to Billing' }).waitFor();
    const practiceCode = page.getByLabel('Practice Code');
    expect(await practiceCode.inputValue()).toBe(practice.code);
    expect(await practiceCode.getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('User Name').fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Log In' }).click();
    await page.getByLabel('Authentication Code').fill(nextTotpCode(server.clock, totpSecret));
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.getByRole('heading', { name: 'Allow Billing?' }).waitFor();
    expect(await page.getByTestId('consent-scopes').textContent()).toContain('Your roles in the practice');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${redirectUri}?**`);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), first.check);
    expect(tokens.claims()).toMatchObject({
      iss: issuer.href,
      aud: billing.clientId,
      sub: user.id,
      preferred_username: 'fox',
      name: 'Fox Mulder',
      practice: practice.code,
      roles: ['clinician'],
      amr: ['pwd', 'otp'],
      fhirUser: FHIR_USER,
    });
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, user.id);
    expect(userinfo).toMatchObject({ sub: user.id, practice: practice.code, fhirUser: FHIR_USER });

    // The second sign-in: neither password nor consent, straight back to the app.
    const second = await authorizationRequest(rp);
    await page.goto(second.url.href);
    await page.waitForURL(`${redirectUri}?**`);
    const again = await oidc.authorizationCodeGrant(rp, new URL(page.url()), second.check);
    expect(again.claims()?.sub).toBe(user.id);

    // An app that wants a fresh sign-in (prompt=login) gets the sign-in page, though the browser is
    // signed in, and then the app, with the new sign-in's time.
    const fresh = await authorizationRequest(rp, { prompt: 'login' });
    await page.goto(fresh.url.href);
    await page.waitForURL(/reauthenticate=1/);
    await page.getByRole('heading', { name: 'Log In to Billing' }).waitFor();
    // The provider dated the request by the real clock: the new sign-in comes after it.
    server.clock.advance(Date.now() - server.clock.now() + 2000);
    await page.getByLabel('User Name').fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Log In' }).click();
    // The sign-in is dated by its password step: wait for that step's answer before the clock
    // moves on to the next TOTP code (moving it first let the time depend on which came first).
    await page.getByLabel('Authentication Code').waitFor();
    const signedInAt = server.clock.now();
    await page.getByLabel('Authentication Code').fill(nextTotpCode(server.clock, totpSecret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${redirectUri}?**`);
    const renewed = await oidc.authorizationCodeGrant(rp, new URL(page.url()), fresh.check);
    expect(renewed.claims()?.auth_time).toBe(Math.floor(signedInAt / 1000));
    await context.close();
  });

  it('lets an administrator add an app (secret shown once) and replace its secret', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logInOnPage(page, `${server.url}/login`, {
      practiceCode: practice.code,
      username: admin.username,
      password: admin.password,
    });
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto(`${server.url}/settings/connected-apps`);
    await page.getByRole('heading', { name: 'Connected Apps', level: 1 }).waitFor();
    await page.getByTestId('apps-table').waitFor();
    await page.getByRole('button', { name: 'Add App' }).click();
    const dialog = page.getByTestId('app-dialog');
    await dialog.getByLabel('Name').fill('Scheduling');
    await dialog.getByLabel('Redirect URIs').fill('https://scheduling.example.com/callback');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Add App' }).click();
    const secretDialog = page.getByTestId('client-secret-dialog');
    const secret = await secretDialog.getByTestId('client-secret').textContent();
    expect(secret).toMatch(/^\S{20,}$/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByTestId('app-row').filter({ hasText: 'Scheduling' });
    expect(await row.textContent()).toContain('https://scheduling.example.com/callback');

    await row.getByRole('button', { name: 'Replace Secret for Scheduling' }).click();
    const replaced = await page
      .getByTestId('client-secret-dialog')
      .getByTestId('client-secret')
      .textContent();
    expect(replaced).toMatch(/^\S{20,}$/);
    expect(replaced).not.toBe(secret);
    await page.getByTestId('client-secret-dialog').getByRole('button', { name: 'Done' }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
  it('gives a second app single sign-on; an administrator’s reset tells both apps and stops their tokens', async () => {
    const scheduling = await firstPartyApp('Scheduling');
    const records = await firstPartyApp('Records');
    const context = await browser.newContext();
    const page = await context.newPage();
    const offline = { scope: 'openid profile offline_access', prompt: 'consent' };
    const first = await authorizationRequest(scheduling, offline);
    await page.goto(first.url.href);
    await page.getByRole('heading', { name: 'Log In to Scheduling' }).waitFor();
    await page.getByLabel('User Name').fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Log In' }).click();
    server.clock.advance(30_000);
    await page.getByLabel('Authentication Code').fill(nextTotpCode(server.clock, totpSecret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${redirectUri}?**`);
    const schedulingTokens = await oidc.authorizationCodeGrant(scheduling, new URL(page.url()), first.check);

    // The second app: no password, no code, straight back.
    const second = await authorizationRequest(records, offline);
    await page.goto(second.url.href);
    await page.waitForURL(`${redirectUri}?**`);
    const recordsTokens = await oidc.authorizationCodeGrant(records, new URL(page.url()), second.check);
    expect(recordsTokens.claims()?.sub).toBe(user.id);

    const adminClient = await signedInClient(server.url, practice.code, admin);
    expect((await adminClient.post(`/api/staff/${user.id}/reset-password`, {})).status).toBe(200);
    expect(await server.deliverAppLogouts()).toBe(2);
    const told = logouts.filter((logout) => logout.path.startsWith('/logout/'));
    expect(told.map((logout) => logout.path).sort()).toEqual(['/logout/Records', '/logout/Scheduling']);
    for (const { token } of told) {
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(claims).toMatchObject({ sub: user.id, iss: issuer.href });
      expect(claims.events).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);
    }
    for (const [rp, tokens] of [
      [scheduling, schedulingTokens],
      [records, recordsTokens],
    ] as const)
      await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    await context.close();
  });
});
