import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
import { eventsOf } from '../support/events.js';
import { signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp, nextTotpCode } from '../support/two-factor.js';

let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let user: SeededUser;
let secret = '';
/** Browsers accept passkeys only for a domain name, not an IP address. */
let origin = '';

beforeAll(async () => {
  server = await startTestServer();
  origin = server.url.replace('127.0.0.1', 'localhost');
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, { username: 'keyholder' });
  ({ secret } = await enrolTotp(
    await signedInClient(server.url, practice.code, user),
    user.password,
    server.clock,
  ));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page) {
  await logInOnPage(page, origin, {
    practiceCode: practice.code,
    username: user.username,
    password: user.password,
  });
}

describe('passkeys with Chromium’s virtual authenticator', () => {
  it('registers a passkey from Security & Activity and signs in with it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);

    await signIn(page);
    await page.getByLabel('Authentication Code').fill(nextTotpCode(server.clock, secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    const passkeys = page.getByTestId('passkeys');
    await passkeys.waitFor();
    await page.getByRole('button', { name: 'Add a Passkey' }).click();
    await page.getByLabel('Passkey Name').fill('Office laptop');
    await page.getByLabel('Current Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Add Passkey' }).click();
    await page.getByRole('list', { name: 'Passkeys' }).getByText('Office laptop').waitFor();
    expect(await page.getByTestId('two-factor-on').textContent()).toContain('1 passkey');
    await page.screenshot({ path: artifactPath('passkeys.png'), fullPage: true });
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);

    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Log Out' }).click();
    await signIn(page);
    await page.getByRole('button', { name: 'Use a Passkey' }).click();
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    const recent = await eventsOf(server.deps.store, user.id, 2);
    expect(recent.map((event) => event.type)).toEqual(['login.succeeded', 'two_factor.succeeded']);
    expect(recent[1]?.details).toEqual({ method: 'passkey' });
    await context.close();
  });
});
