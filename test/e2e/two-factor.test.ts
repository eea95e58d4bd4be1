import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/domain/totp.js';
import { updatePracticeSettings } from '../../src/store/practice-store.js';
import { DEFAULT_SECURITY_SETTINGS } from '../../src/domain/security-settings.js';
import { artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
import { eventsOf } from '../support/events.js';
import { signedInClient } from '../support/http-client.js';
import { enrolTotp } from '../support/two-factor.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let user: SeededUser;
/** Read from the page while enrolling. */
let secret = '';
let recoveryCodes: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, { username: 'twofactor1' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, who: SeededUser, inPractice = practice) {
  await logInOnPage(page, server.url, {
    practiceCode: inPractice.code,
    username: who.username,
    password: who.password,
  });
}

/** The code the app would show now, one step after any code used before. */
function freshCode(key: string): string {
  server.clock.advance(30_000);
  return totpCodeAt(key, server.clock.now());
}

/** Enrols through the wizard, reading the key from the page; returns the key and the recovery codes. */
async function enrolOnPage(page: Page, password: string, screenshot?: string) {
  await page.getByLabel('Current Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  const keyText = await page.getByTestId('totp-key').textContent();
  const key = (keyText ?? '').replace(/\s/g, '');
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible()).toBe(true);
  if (screenshot) await page.screenshot({ path: artifactPath(`${screenshot}-scan.png`), fullPage: true });
  await page.getByLabel('Code from the app').fill(freshCode(key));
  await page.getByRole('button', { name: 'Turn On Two-Factor Authentication' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  const codes = await list.locator('code').allTextContents();
  expect(codes).toHaveLength(10);
  if (screenshot) await page.screenshot({ path: artifactPath(`${screenshot}-codes.png`), fullPage: true });
  await page.getByRole('button', { name: 'I Saved My Codes' }).click();
  return { key, codes };
}

describe('two-factor authentication in the browser', () => {
  it('enrols from Security & Activity by reading the key from the page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, user);
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Profile' }).click();
    await page.getByTestId('two-factor-off').waitFor();
    await page.getByRole('button', { name: 'Enroll in Two-Factor Authentication' }).click();
    const enrolled = await enrolOnPage(page, user.password, 'two-factor-enrol');
    secret = enrolled.key;
    recoveryCodes = enrolled.codes;
    const on = page.getByTestId('two-factor-on');
    await on.waitFor();
    expect(await on.textContent()).toContain('10 recovery codes remaining');
    await page.screenshot({ path: artifactPath('two-factor-on.png'), fullPage: true });
    await page.close();
  });

  it('signs in with a code from the app, remembering the browser', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, user);
    await page.getByLabel('Authentication Code').waitFor();
    await page.screenshot({ path: artifactPath('two-factor-step.png'), fullPage: true });
    await page.getByLabel('Authentication Code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('That code is not valid.');
    await page.getByLabel('Authentication Code').fill(freshCode(secret));
    await page.getByLabel('Remember this browser for 30 days').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    expect(await page.getByTestId('remembered-browsers').textContent()).toContain('Forget');

    // Remembered: the next sign-in in this browser skips the step.
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await signIn(page, user);
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    await context.close();
  });

  it('signs in with a recovery code instead, once', async () => {
    const page = await browser.newPage();
    await signIn(page, user);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery Code').fill(recoveryCodes[0] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    const on = page.getByTestId('two-factor-on');
    await on.waitFor();
    expect(await on.textContent()).toContain('9 recovery codes remaining');
    await page.close();
  });

  it('walks a user through required enrolment at sign-in, and again after an admin removes it', async () => {
    const required = await seedPractice(server.deps);
    const admin = await seedUser(server.deps, required, { username: 'boss', roles: ['practice_admin'] });
    const staff = await seedUser(server.deps, required, { username: 'newhire' });
    const adminClient = await signedInClient(server.url, required.code, admin);
    await enrolTotp(adminClient, admin.password, server.clock);
    await updatePracticeSettings(server.deps.store.db, required.practiceId, {
      ...DEFAULT_SECURITY_SETTINGS,
      requireTwoFactor: true,
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, staff, required);
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    await enrolOnPage(page, staff.password, 'two-factor-required');
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();

    // The admin removes it from Staff > Name > Security & Activity, in a browser of their own.
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await adminContext.addCookies(
      [...adminClient.cookies].map(([name, value]) => ({ name, value, url: server.url })),
    );
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${server.url}/staff/${staff.id}`);
    const section = adminPage.getByTestId('staff-security-activity');
    await section.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Remove two-factor authentication?' });
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await section.getByTestId('two-factor-status').getByText('Off').waitFor();
    await adminPage.screenshot({ path: artifactPath('two-factor-removed-by-admin.png'), fullPage: true });
    await adminContext.close();
    const [removal] = (await eventsOf(server.deps.store, staff.id)).filter(
      (e) => e.type === 'two_factor.removed_by_admin',
    );
    expect(removal).toMatchObject({ actor: { id: admin.id }, target: { id: staff.id } });

    await page.reload();
    await page.getByRole('button', { name: 'Log In' }).waitFor();
    await signIn(page, staff, required);
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    await page.close();
  });
});
