import type { Browser, Locator, Page } from 'playwright-core';
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

/** Whole inside the viewport and not covered (by the sticky header, say): what a person sees. */
async function expectInView(element: Locator) {
  const place = await element.evaluate((node) => {
    const box = node.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
      top: box.top,
      bottom: box.bottom,
      viewport: window.innerHeight,
      uncovered: hit !== null && (hit === node || node.contains(hit)),
    };
  });
  expect(place.top).toBeGreaterThanOrEqual(0);
  expect(place.bottom).toBeLessThanOrEqual(place.viewport);
  expect(place.uncovered).toBe(true);
}

/**
 * Enrols through the wizard, reading the key from the page; returns the key and the recovery
 * codes. `password` null: the forced enrolment at sign-in, which must not ask for it again.
 * `onCodesShown` runs while the recovery codes are on screen.
 */
async function enrolOnPage(
  page: Page,
  password: string | null,
  { screenshot, onCodesShown }: { screenshot?: string; onCodesShown?: () => Promise<void> } = {},
) {
  if (password === null) {
    await page.getByRole('button', { name: 'Set Up', exact: true }).click();
  } else {
    await page.getByLabel('Current Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  const keyText = await page.getByTestId('totp-key').textContent();
  const key = (keyText ?? '').replace(/\s/g, '');
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  expect(await qr.isVisible()).toBe(true);
  // Scrolled into view, QR code and key, whatever the screen size.
  await expectInView(qr);
  await expectInView(page.getByTestId('totp-key'));
  if (screenshot) await page.screenshot({ path: artifactPath(`${screenshot}-scan.png`), fullPage: true });
  await page.getByLabel('Code from the app').fill(freshCode(key));
  await page.getByRole('button', { name: 'Turn On Two-Factor Authentication' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  const codes = await list.locator('code').allTextContents();
  expect(codes).toHaveLength(10);
  await onCodesShown?.();
  if (screenshot) await page.screenshot({ path: artifactPath(`${screenshot}-codes.png`), fullPage: true });
  await page.getByRole('button', { name: 'I Saved My Codes' }).click();
  return { key, codes };
}

/** Makes `practice` require two-factor authentication (its administrator enrols first, as the rule asks). */
async function requireTwoFactor(required: TestPractice) {
  const admin = await seedUser(server.deps, required, { username: 'boss', roles: ['practice_admin'] });
  const adminClient = await signedInClient(server.url, required.code, admin);
  await enrolTotp(adminClient, admin.password, server.clock);
  await updatePracticeSettings(server.deps.store.db, required.practiceId, {
    ...DEFAULT_SECURITY_SETTINGS,
    requireTwoFactor: true,
  });
  return { admin, adminClient };
}

describe('two-factor authentication in the browser', () => {
  it('enrols from Security & Activity by reading the key from the page', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signIn(page, user);
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Profile' }).click();
    await page.getByTestId('two-factor-off').waitFor();
    await page.getByRole('button', { name: 'Enroll in Two-Factor Authentication' }).click();
    const enrolled = await enrolOnPage(page, user.password, {
      screenshot: 'two-factor-enrol',
      onCodesShown: async () => {
        // The label says On as soon as the codes are shown, not only after a reload.
        await page.getByTestId('two-factor-on').waitFor();
        expect(await page.getByTestId('two-factor-off').count()).toBe(0);
        expect(await page.getByRole('list', { name: 'Recovery codes' }).isVisible()).toBe(true);
      },
    });
    // A desktop's authenticator app is on another device: no tap-to-add link was shown.
    expect(await page.getByRole('link', { name: 'Add to Authenticator App' }).count()).toBe(0);
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
    await page.getByRole('menuitem', { name: 'Log Out' }).click();
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
    const { admin, adminClient } = await requireTwoFactor(required);
    const staff = await seedUser(server.deps, required, { username: 'newhire' });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signIn(page, staff, required);
    await page.getByRole('heading', { name: 'Set Up Two-Factor Authentication' }).waitFor();
    // The password was typed a moment ago: no second prompt for it.
    expect(await page.getByLabel('Current Password', { exact: true }).count()).toBe(0);
    await enrolOnPage(page, null, { screenshot: 'two-factor-required' });
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
    const dialog = adminPage.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
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
    await page.getByRole('heading', { name: 'Set Up Two-Factor Authentication' }).waitFor();
    await page.close();
  });

  it('on a phone, scrolls the QR code and key into view and offers a tap-to-add link for the same account', async () => {
    const required = await seedPractice(server.deps);
    await requireTwoFactor(required);
    const staff = await seedUser(server.deps, required, { username: 'phone.user' });
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    await signIn(page, staff, required);
    await page.getByRole('heading', { name: 'Set Up Two-Factor Authentication' }).waitFor();
    expect(await page.getByLabel('Current Password', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Set Up', exact: true }).click();
    const key = ((await page.getByTestId('totp-key').textContent()) ?? '').replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await expectInView(page.getByRole('img', { name: 'QR code for your authenticator app' }));
    await expectInView(page.getByTestId('totp-key'));

    // The link adds exactly the account shown: this key, the practice as issuer, the user name.
    const link = page.getByRole('link', { name: 'Add to Authenticator App' });
    expect(await link.isVisible()).toBe(true);
    const uri = new URL((await link.getAttribute('href')) ?? '');
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    const practiceName = `Test Practice ${required.code}`;
    expect(decodeURIComponent(uri.pathname)).toBe(`/${practiceName}:${staff.username}`);
    expect(uri.searchParams.get('secret')).toBe(key);
    expect(uri.searchParams.get('issuer')).toBe(practiceName);
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    await page.screenshot({ path: artifactPath('two-factor-phone-scan.png') });

    // Confirming still works with the link on the page (it replaces this step with the codes).
    await page.getByLabel('Code from the app').fill(freshCode(key));
    await page.getByRole('button', { name: 'Turn On Two-Factor Authentication' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    await page.getByRole('button', { name: 'I Saved My Codes' }).click();
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    await context.close();
  });
});
