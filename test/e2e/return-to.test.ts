import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillLogInForm, launchBrowser, logInOnPage } from '../support/browser.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * `/login?returnTo=…` (web/src/lib/return-to.ts): after a full sign-in the page goes back to
 * an app of an allowed origin, and ignores every other address. The "app" is a plain HTTP
 * server on another loopback port, allowed through ALLOWED_RETURN_ORIGINS; a second one on
 * yet another port stands for a foreign origin.
 */
let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let user: SeededUser;
let app: Server;
let foreign: Server;
let appOrigin: string;
let foreignOrigin: string;

async function listen(title: string): Promise<Server> {
  const httpServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${title}</title><h1>${title}</h1>`);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return httpServer;
}

const originOf = (httpServer: Server) => `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

beforeAll(async () => {
  app = await listen('The EHR');
  foreign = await listen('Somewhere else');
  appOrigin = originOf(app);
  foreignOrigin = originOf(foreign);
  server = await startTestServer({ allowedReturnOrigins: [appOrigin] });
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, { username: 'returning' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  app?.close();
  foreign?.close();
});

const loginUrl = (returnTo: string) => `${server.url}/login?returnTo=${encodeURIComponent(returnTo)}`;

async function signInWithReturnTo(page: Page, returnTo: string, who: SeededUser = user): Promise<void> {
  await logInOnPage(page, loginUrl(returnTo), {
    practiceCode: practice.code,
    username: who.username,
    password: who.password,
  });
}

describe('returnTo on the sign-in page', () => {
  it('goes back to the app of an allowed origin after signing in, then straight there when signed in', async () => {
    const page = await browser.newPage();
    await signInWithReturnTo(page, `${appOrigin}/chart/12?tab=notes`);
    await page.waitForURL(`${appOrigin}/chart/12?tab=notes`);
    expect(await page.locator('h1').textContent()).toBe('The EHR');

    // Already signed in (a second app's first visit): no form, straight back.
    await page.goto(loginUrl(`${appOrigin}/billing`));
    await page.waitForURL(`${appOrigin}/billing`);
    await page.close();
  });

  it('keeps returnTo through the sign-in steps (here a forced password change)', async () => {
    const page = await browser.newPage();
    await logInOnPage(page, loginUrl(`${appOrigin}/after-steps`), {
      practiceCode: practice.code,
      username: practice.adminUsername,
      password: practice.temporaryPassword,
    });
    const newPassword = 'lanterns over the quiet harbour';
    await page.getByLabel('New Password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm Password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change Password' }).click();
    await page.waitForURL(`${appOrigin}/after-steps`);
    await page.close();
  });

  it.each([
    ['another origin', () => `${foreignOrigin}/`],
    ['a protocol-relative address', () => `//${new URL(foreignOrigin).host}/`],
    ['a backslash address', () => `/\\${new URL(foreignOrigin).host}/`],
    ['javascript:', () => 'javascript:document.title="owned"'],
  ])('ignores %s and lands on the normal page', async (_label, returnTo) => {
    const page = await browser.newPage();
    await signInWithReturnTo(page, returnTo());
    await page.waitForURL(`${server.url}/profile`);
    expect(await page.title()).not.toBe('owned');
    expect(page.url().startsWith(foreignOrigin)).toBe(false);
    await page.close();
  });

  it('shows the sign-in form as usual to a signed-out browser', async () => {
    const page = await browser.newPage();
    await fillLogInForm(page, loginUrl(`${appOrigin}/`), {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    expect(page.url()).toBe(loginUrl(`${appOrigin}/`));
    await page.close();
  });
});
