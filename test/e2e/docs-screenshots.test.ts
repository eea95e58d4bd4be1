import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otpauthUri } from '../../src/domain/totp.js';
import { createPractice } from '../../src/services/settings/practices.js';
import { DOC_IMAGES_DIR, DOC_SCREENSHOTS } from '../docs/doc-screenshots.js';
import {
  addVirtualAuthenticator,
  artifactPath,
  fillLogInForm,
  launchBrowser,
  logInOnPage,
  logOutOnPage,
} from '../support/browser.js';
import {
  DEVICES,
  DocCamera,
  EXAMPLE_ID,
  EXAMPLE_TEMPORARY_PASSWORD,
  EXAMPLE_TOTP_CODE,
  EXAMPLE_TOTP_SECRET,
  SLOW,
  exampleRecoveryCodes,
  newDeviceContext,
  showExample,
  type Device,
} from '../support/doc-camera.js';
import { HttpClient } from '../support/http-client.js';
import { resetTokenFor } from '../support/mail.js';
import {
  seedUser,
  startTestServer,
  testClock,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { nextTotpCode } from '../support/two-factor.js';

/**
 * The screenshots of docs/user-guide.md and docs/admin-guide.md, taken from the real app: a
 * real server and database, Chromium, one made-up practice walked through every step the
 * guides describe. Each picture is listed in test/docs/doc-screenshots.ts; the last test fails
 * when one of them was not taken.
 *
 * `npm run docs:screenshots` (DOCS_SCREENSHOTS=write) writes them to docs/images; in `npm test`
 * they go to test/artifacts/docs-images, so a test run never changes committed files.
 *
 * test/support/doc-camera.ts makes a second run draw the same pictures: fixed devices,
 * clock (below), and examples in place of random values.
 */
const camera = new DocCamera(
  process.env.DOCS_SCREENSHOTS === 'write' ? path.resolve(DOC_IMAGES_DIR) : artifactPath('docs-images'),
);

/** Monday 16 November 2026, 8:30 AM in New York (the practice's time zone). */
const START = Date.parse('2026-11-16T13:30:00.000Z');

const PRACTICE_CODE = 'RIVERSIDE';
const ADMIN = { username: 'hmarsh', firstName: 'Helen', lastName: 'Marsh' };
const ADMIN_PASSWORD = 'copper kettle harbor sunrise';

let server: TestServer;
let browser: Browser;
let origin = '';
let practice: TestPractice;
let adminTemporaryPassword = '';
let jordan: SeededUser;
let priya: SeededUser;
let tom: SeededUser;
let sam: SeededUser;
/** Jordan's authenticator key, read from the page while enrolling. */
let jordanSecret = '';
/** Helen's browser, signed in from her first log in on. */
let adminPage: Page;

beforeAll(async () => {
  server = await startTestServer({ clock: testClock(START), trustProxy: 1, rateLimiting: false });
  // Passkeys need a host name; browsers refuse them for an IP address.
  origin = server.url.replace('127.0.0.1', 'localhost');
  const created = await createPractice(server.deps, {
    code: PRACTICE_CODE,
    name: 'Riverside Family Counseling',
    admin: { ...ADMIN, email: 'helen.marsh@riverside.example' },
    origin: { ip: DEVICES.adminMac.ip, userAgent: DEVICES.adminMac.userAgent },
  });
  if (!created.ok) throw new Error(created.problem);
  adminTemporaryPassword = created.temporaryPassword;
  practice = {
    code: PRACTICE_CODE,
    practiceId: created.practice.id,
    adminId: created.adminId,
    adminUsername: ADMIN.username,
    temporaryPassword: created.temporaryPassword,
  };
  const person = (username: string, firstName: string, lastName: string) => ({
    username,
    firstName,
    lastName,
    email: `${firstName}.${lastName}@riverside.example`.toLowerCase(),
    password: `${lastName.toLowerCase()} orchard lantern tugboat`,
  });
  jordan = await seedUser(server.deps, practice, {
    ...person('jellis', 'Jordan', 'Ellis'),
    roles: ['clinician'],
  });
  priya = await seedUser(server.deps, practice, {
    ...person('praman', 'Priya', 'Raman'),
    roles: ['clinician', 'clinical_admin'],
  });
  tom = await seedUser(server.deps, practice, {
    ...person('tbecker', 'Tom', 'Becker'),
    roles: ['scheduler'],
  });
  await seedUser(server.deps, practice, { ...person('gliu', 'Grace', 'Liu'), roles: ['biller'] });
  sam = await seedUser(server.deps, practice, { ...person('sortiz', 'Sam', 'Ortiz'), roles: ['intern'] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Moves the server's clock on, so the pictures show a plausible morning. */
function minutesLater(minutes: number): void {
  server.clock.advance(minutes * 60_000);
}

function apiClient(device: Device): HttpClient {
  return new HttpClient(origin, { 'user-agent': device.userAgent, 'x-forwarded-for': device.ip });
}

/**
 * Enters a new password in New Password and Confirm Password, and waits until the live
 * checklist ticks every requirement it can check (the strength check loads on demand).
 */
async function fillNewPassword(scope: Locator | Page, password: string): Promise<void> {
  await scope.getByLabel('New Password', { exact: true }).fill(password);
  await scope.getByLabel('Confirm Password', { exact: true }).fill(password);
  await expect.poll(() => scope.locator('[data-rule="strength"][data-state="met"]').count(), SLOW).toBe(1);
  await expect.poll(() => scope.locator('[data-rule][data-state="unmet"]').count(), SLOW).toBe(0);
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await logInOnPage(page, origin, { practiceCode: PRACTICE_CODE, username, password });
}

async function openStaffMember(page: Page, lastFirst: string): Promise<Locator> {
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await page.getByRole('link', { name: lastFirst }).click();
  const section = page.getByTestId('staff-security-activity');
  await section.getByTestId('last-login').locator('dl, .empty-state').first().waitFor();
  await section.getByTestId('sessions').waitFor();
  return section;
}

function securityRow(section: Locator, label: string): Locator {
  return section
    .locator('.security__row')
    .filter({ has: section.page().getByRole('heading', { name: label }) });
}

describe('the guides’ screenshots, taken from the real app', () => {
  it('user guide: signs in, finds Security & Activity, changes the password', async () => {
    minutesLater(28);
    const context = await newDeviceContext(browser, DEVICES.officePc);
    const page = await context.newPage();
    await fillLogInForm(page, origin, { practiceCode: PRACTICE_CODE, ...jordan });
    await camera.shoot('sign-in', page);
    await page.getByRole('button', { name: 'Log In' }).click();
    const section = page.getByRole('region', { name: 'Security & Activity' });
    await section.getByTestId('last-login-ip').waitFor();

    await page.getByRole('button', { name: /User menu/ }).click();
    const menu = page.getByRole('menu');
    await menu.waitFor();
    await camera.shoot('user-menu', page, [
      page.getByTestId('user-menu-button'),
      page.locator('.user-menu__popover'),
    ]);
    await page.getByRole('menuitem', { name: 'Profile' }).click();
    await section.getByTestId('two-factor-off').waitFor();
    await section.getByTestId('session').first().waitFor();
    expect(await section.getByTestId('last-login-browser').textContent()).toBe('Chrome 142 on Windows 10');
    await camera.shoot('security-activity', page, [section]);

    minutesLater(2);
    await section.getByRole('button', { name: 'Change Your Password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change Your Password' });
    const newPassword = 'violet tugboat lantern orchard';
    await dialog.getByLabel('Current Password', { exact: true }).fill(jordan.password);
    await fillNewPassword(dialog, newPassword);
    await camera.shoot('change-password', page, { dialog });
    await dialog.getByRole('button', { name: 'Change Password' }).click();
    await page.getByTestId('password-changed').waitFor();
    jordan = { ...jordan, password: newPassword };
    await logOutOnPage(page);
    await context.close();
  });

  it('user guide: sets up an authenticator app, recovery codes and a passkey', async () => {
    minutesLater(3);
    const context = await newDeviceContext(browser, DEVICES.officePc);
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await signIn(page, jordan.username, jordan.password);
    const row = page.getByTestId('two-factor-status');
    await row.getByRole('button', { name: 'Enroll in Two-Factor Authentication' }).click();
    await row.getByLabel('Current Password', { exact: true }).fill(jordan.password);
    await camera.shoot('two-factor-enroll', page, [row]);

    await row.getByRole('button', { name: 'Continue' }).click();
    const key = row.getByTestId('totp-key');
    jordanSecret = ((await key.textContent()) ?? '').replace(/\s/g, '');
    expect(jordanSecret).toMatch(/^[A-Z2-7]{32}$/);
    await showExample(key, (EXAMPLE_TOTP_SECRET.match(/.{4}/g) ?? []).join(' '));
    const exampleQr = await QRCode.toString(
      otpauthUri(EXAMPLE_TOTP_SECRET, 'Riverside Family Counseling', 'jellis'),
      {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 2,
      },
    );
    await row.getByRole('img', { name: 'QR code for your authenticator app' }).evaluate(async (img, svg) => {
      const image = img as HTMLImageElement;
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      await image.decode();
    }, exampleQr);
    const codeField = row.getByLabel('Code from the app');
    await codeField.fill(EXAMPLE_TOTP_CODE);
    await camera.shoot('two-factor-scan', page, [row]);
    await codeField.fill(nextTotpCode(server.clock, jordanSecret));

    await row.getByRole('button', { name: 'Turn On Two-Factor Authentication' }).click();
    const codes = row.getByRole('list', { name: 'Recovery codes' }).locator('code');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const examples = exampleRecoveryCodes();
    for (const [index, example] of examples.entries()) await showExample(codes.nth(index), example);
    await camera.shoot('recovery-codes', page, [page.getByTestId('recovery-code-sheet')]);
    await row.getByRole('button', { name: 'I Saved My Codes' }).click();
    await row.getByTestId('two-factor-on').waitFor();
    expect(await row.getByTestId('two-factor-on').textContent()).toContain('10 recovery codes remaining');
    await camera.shoot('two-factor-on', page, [row]);

    minutesLater(1);
    await row.getByRole('button', { name: 'Add a Passkey' }).click();
    await row.getByLabel('Passkey Name').fill('Office PC');
    await row.getByLabel('Current Password', { exact: true }).fill(jordan.password);
    await camera.shoot('passkey-add', page, [page.getByTestId('passkeys')]);
    await row.getByRole('button', { name: 'Add Passkey' }).click();
    await row.getByRole('list', { name: 'Passkeys' }).getByText('Office PC').waitFor();
    await camera.shoot('passkeys', page, [page.getByTestId('passkeys')]);

    // A second session, on Jordan's phone at home, for the Sessions row.
    minutesLater(4);
    const phone = apiClient(DEVICES.homeIphone);
    const login = await phone.post<{ next: string }>('/api/auth/login', {
      practiceCode: PRACTICE_CODE,
      username: jordan.username,
      password: jordan.password,
    });
    expect(login.body.next).toBe('two_factor');
    const second = await phone.post<{ next: string }>('/api/auth/two-factor', {
      code: nextTotpCode(server.clock, jordanSecret),
      rememberBrowser: false,
    });
    expect(second.body.next).toBe('signed_in');
    await page.reload();
    const sessions = page.getByRole('region', { name: 'Security & Activity' }).getByTestId('sessions');
    await expect.poll(() => sessions.getByTestId('session').count(), SLOW).toBe(2);
    await camera.shoot('my-sessions', page, [sessions]);

    await logOutOnPage(page);
    minutesLater(2);
    await signIn(page, jordan.username, jordan.password);
    await page.getByLabel('Authentication Code').waitFor();
    await page.getByRole('button', { name: 'Use a Passkey' }).waitFor();
    await camera.shoot('two-factor-sign-in', page);
    await page.getByLabel('Authentication Code').fill(nextTotpCode(server.clock, jordanSecret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    await context.close();
  });

  it('user guide: a forgotten password and a forgotten practice code', async () => {
    minutesLater(3);
    const context = await newDeviceContext(browser, DEVICES.homeMac);
    const page = await context.newPage();
    await page.goto(origin);
    await page.getByRole('link', { name: 'Forgot Password?' }).click();
    await page.getByLabel('Practice Code').fill(PRACTICE_CODE);
    await page.getByLabel('User Name').fill(priya.username);
    await camera.shoot('forgot-password', page);
    await page.getByRole('button', { name: 'Send Reset Link' }).click();
    await page.getByTestId('reset-link-sent').waitFor();
    await camera.shoot('forgot-password-sent', page);

    await server.deliverMail();
    const token = resetTokenFor(server.outboxDir, 'priya.raman@riverside.example');
    expect(token).toBeDefined();
    minutesLater(2);
    await page.goto(`${origin}/reset-password#token=${token ?? ''}`);
    const newPassword = 'saffron meadow quarry lantern';
    await fillNewPassword(page, newPassword);
    await camera.shoot('reset-password-link', page, 'full page');
    await page.getByRole('button', { name: 'Reset Password' }).click();
    await page.getByTestId('password-reset-done').waitFor();
    priya = { ...priya, password: newPassword };

    await page.goto(`${origin}/login`);
    await page.getByRole('link', { name: 'Forgot Practice Code?' }).click();
    await page.getByLabel('Email Address').fill('priya.raman@riverside.example');
    await camera.shoot('forgot-practice-code', page);
    await context.close();
  });

  it('admin guide: the staff list, a new user, and a staff member’s Security & Activity', async () => {
    minutesLater(5);
    const context = await newDeviceContext(browser, DEVICES.adminMac);
    adminPage = await context.newPage();
    const page = adminPage;
    await signIn(page, ADMIN.username, adminTemporaryPassword);
    await page.getByRole('heading', { name: 'Choose a New Password' }).waitFor();
    await fillNewPassword(page, ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Change Password' }).click();
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();

    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    const table = page.getByTestId('staff-table');
    await table.getByRole('link', { name: 'Ortiz, Sam' }).waitFor();
    await camera.shoot('staff-list', page);

    await page.getByRole('button', { name: '+ New User' }).click();
    const form = page.getByRole('dialog', { name: 'New User' });
    await form.getByLabel('User Name').fill('npatel');
    await form.getByLabel('First Name').fill('Nina');
    await form.getByLabel('Last Name').fill('Patel');
    await form.getByLabel('Email').fill('nina.patel@riverside.example');
    await form.getByLabel('Clinician').check();
    await camera.shoot('new-user', page, { dialog: form });
    await form.getByRole('button', { name: 'Create User' }).click();
    const created = page.getByRole('dialog', { name: 'Temporary Password Created' });
    await created.getByRole('button', { name: 'OK' }).click();
    await table.getByRole('link', { name: 'Patel, Nina' }).waitFor();

    minutesLater(1);
    const section = await openStaffMember(page, 'Ellis, Jordan');
    await section.getByRole('button', { name: 'Log Out Everywhere' }).waitFor();
    expect(await section.getByTestId('last-login-browser').textContent()).toBe('Chrome 142 on Windows 10');
    expect(await section.getByTestId('last-login-ip').textContent()).toBe(DEVICES.officePc.ip);
    await camera.shoot('staff-security-activity', page, [
      page.getByRole('link', { name: '← Staff' }),
      section,
    ]);
  });

  it('admin guide: Log Out Everywhere and Remove Two-Factor Authentication', async () => {
    const page = adminPage;
    const section = page.getByTestId('staff-security-activity');
    const sessions = securityRow(section, 'Sessions');
    await sessions.getByRole('button', { name: 'Log Out Everywhere' }).click();
    await sessions.getByText('2 sessions were logged out.').waitFor();
    await sessions.getByText('This user is not logged in anywhere.', { exact: false }).waitFor();
    await camera.shoot('sign-out-everywhere', page, [sessions]);

    await section.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Two-Factor Authentication?' });
    await dialog.waitFor();
    await camera.shoot('remove-two-factor', page);
    await dialog.getByRole('button', { name: 'Remove Two-Factor Authentication' }).click();
    await section.getByTestId('two-factor-status').getByText('Off').waitFor();
  });

  it('admin guide: Reset Password, and the user’s first log in with the temporary password', async () => {
    minutesLater(6);
    const page = adminPage;
    const section = await openStaffMember(page, 'Becker, Tom');
    await section.getByRole('button', { name: 'Reset Password' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reset Password' });
    await confirm.waitFor();
    await camera.shoot('reset-password-confirm', page);
    await confirm.getByRole('button', { name: 'Reset Password' }).click();
    const shown = page.getByRole('dialog', { name: 'Temporary Password' });
    const value = shown.getByTestId('temporary-password');
    await value.waitFor();
    const temporaryPassword = (await value.textContent()) ?? '';
    expect(temporaryPassword).toMatch(/^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3,}$/);
    await showExample(value, EXAMPLE_TEMPORARY_PASSWORD);
    await camera.shoot('temporary-password', page);
    await shown.getByRole('button', { name: 'OK' }).click();

    minutesLater(4);
    const context = await newDeviceContext(browser, DEVICES.officePc);
    const tomPage = await context.newPage();
    const credentials = { practiceCode: PRACTICE_CODE, username: tom.username, password: temporaryPassword };
    await fillLogInForm(tomPage, origin, credentials, { typed: true });
    await tomPage.getByRole('button', { name: 'Log In' }).click();
    await tomPage.getByRole('heading', { name: 'Choose a New Password' }).waitFor();
    const newPassword = 'marble harbor violet tugboat';
    await fillNewPassword(tomPage, newPassword);
    await camera.shoot('choose-new-password', tomPage, 'full page');
    await tomPage.getByRole('button', { name: 'Change Password' }).click();
    await tomPage.getByRole('region', { name: 'Security & Activity' }).waitFor();
    await context.close();
  });

  it('admin guide: Unlock a locked account', async () => {
    minutesLater(3);
    const stranger = apiClient(DEVICES.unknown);
    for (let attempt = 0; attempt < 10; attempt++) {
      await stranger.post('/api/auth/login', {
        practiceCode: PRACTICE_CODE,
        username: sam.username,
        password: `summer2026-${attempt}`,
      });
    }
    minutesLater(2);
    const page = adminPage;
    const section = await openStaffMember(page, 'Ortiz, Sam');
    const lock = securityRow(section, 'Account Lock');
    await lock.getByRole('button', { name: 'Unlock' }).waitFor();
    await camera.shoot('account-locked', page, [lock]);
    await lock.getByRole('button', { name: 'Unlock' }).click();
    await lock.getByText('Not locked').waitFor();
  });

  it('admin guide: security settings and Computer Access Settings', async () => {
    minutesLater(4);
    const page = adminPage;
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByTestId('password-settings').waitFor();
    await page.getByTestId('two-factor-settings').waitFor();
    await camera.shoot('security-settings', page, 'full page');

    await page.getByRole('link', { name: 'Computer Access Settings' }).click();
    await page.getByRole('heading', { name: 'Computer Access Settings' }).waitFor();
    await page.getByRole('button', { name: 'Add Address' }).click();
    await page.getByLabel('Name of entry 1').fill('Main office');
    await page.getByLabel('IP address or range of entry 1').fill('203.0.113.0/24');
    await page.getByLabel('Only allow login from the addresses below').check();
    await camera.shoot('computer-access', page);
  });

  it('admin guide: the activity log, filtered, and its CSV', async () => {
    minutesLater(2);
    const page = adminPage;
    await page.getByRole('link', { name: 'Activity Log', exact: true }).click();
    const log = page.getByTestId('activity-log');
    await log.getByTestId('activity-row').first().waitFor();
    // The action names come in their own answer; the columns settle once they are shown.
    await log.getByRole('option', { name: 'Login failed' }).waitFor({ state: 'attached' });
    // A passkey's random id in an event further down would shift the columns from run to run.
    await log.evaluate((element, example) => {
      for (const item of element.querySelectorAll('.activity-log__details li'))
        item.textContent = (item.textContent ?? '').replace(
          /[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g,
          example,
        );
    }, EXAMPLE_ID);
    await camera.shoot('activity-log', page);

    await log.getByRole('button', { name: sam.username }).first().click();
    await log.getByLabel('Action').selectOption('login.failed');
    await expect
      .poll(
        () => log.getByTestId('activity-row').evaluateAll((rows) => rows.map((row) => row.dataset.type)),
        SLOW,
      )
      .toEqual(Array.from({ length: 10 }, () => 'login.failed'));
    await camera.shoot('activity-log-filtered', page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      log.getByTestId('download-csv').click(),
    ]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8').split('\r\n');
    expect(csv[0]).toContain('"id","at","type","outcome"');
    expect(csv.slice(1).filter((line) => line !== '')).toHaveLength(10);
  });

  it('took every screenshot the guides may show', () => {
    expect(camera.taken.sort()).toEqual(DOC_SCREENSHOTS.map((shot) => shot.name).sort());
  });
});
