import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { readOutbox } from '../support/mail.js';
import { artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
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
let admin: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, username: string, password: string) {
  await logInOnPage(page, server.url, {
    practiceCode: practice.code,
    username: username,
    password: password,
  });
}

async function apiLogin(username: string, password: string): Promise<string | undefined> {
  const response = await new HttpClient(server.url).post<{ next?: string }>('/api/auth/login', {
    practiceCode: practice.code,
    username,
    password,
  });
  return response.body.next;
}

describe('passwords in the browser', () => {
  it('changes the password through the Change Your Password dialog, with the live checklist', async () => {
    const user = await seedUser(server.deps, practice, { username: 'dialoguser' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, user.username, user.password);
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    await page.getByRole('button', { name: 'Change Your Password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change Your Password' });
    await dialog.waitFor();

    const newPassword = 'violet tugboat lantern orchard';
    await dialog.getByLabel('Current Password', { exact: true }).fill(user.password);
    await dialog.getByLabel('New Password', { exact: true }).fill('short');
    const minLength = dialog.locator('[data-rule="min_length"]');
    await expect.poll(() => minLength.getAttribute('data-state')).toBe('unmet');
    await dialog.getByLabel('New Password', { exact: true }).fill(newPassword);
    await expect.poll(() => minLength.getAttribute('data-state')).toBe('met');
    await expect.poll(() => dialog.locator('[data-rule="strength"]').getAttribute('data-state')).toBe('met');
    await dialog.getByLabel('Confirm Password', { exact: true }).fill(newPassword);
    await expect.poll(() => dialog.locator('[data-rule="match"]').getAttribute('data-state')).toBe('met');
    await page.screenshot({ path: artifactPath('change-password-dialog.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Change Password' }).click();

    await page.getByTestId('password-changed').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await apiLogin(user.username, newPassword)).toBe('signed_in');
    expect(await apiLogin(user.username, user.password)).toBeUndefined();
    await page.close();
  });

  it('an administrator resets a password; the user types the temporary one and must choose a new one', async () => {
    const user = await seedUser(server.deps, practice, { username: 'resetme' });
    expect(await apiLogin(user.username, user.password)).toBe('signed_in');
    const adminPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(adminPage, admin.username, admin.password);
    await adminPage.getByRole('link', { name: 'Staff' }).click();
    await adminPage.getByRole('link', { name: /resetme/ }).click();
    const section = adminPage.getByRole('region', { name: 'Security & Activity' });
    await section.getByTestId('session').first().waitFor();
    expect(await section.getByTestId('temporary-password-pending').count()).toBe(0);
    await adminPage.getByRole('button', { name: 'Reset Password' }).click();
    const confirm = adminPage.getByRole('dialog', { name: 'Reset Password' });
    await confirm.getByRole('button', { name: 'Reset Password' }).click();
    const shown = adminPage.getByRole('dialog', { name: 'Temporary Password' });
    await shown.waitFor();
    const temporaryPassword = (await shown.getByTestId('temporary-password').textContent()) ?? '';
    expect(temporaryPassword).toMatch(/^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3,}$/);
    await adminPage.screenshot({ path: artifactPath('temporary-password.png'), fullPage: true });
    // Times in the practice's zone (America/New_York), with the zone shown.
    expect(await shown.locator('time').textContent()).toMatch(/\d{1,2}:\d{2} [AP]M E[SD]T$/);
    await shown.getByRole('button', { name: 'OK' }).click();
    expect(await adminPage.getByRole('dialog').count()).toBe(0);
    // Without a reload: the reset signed the user out everywhere, and its temporary password is pending.
    await section.getByText('This user is not logged in anywhere.', { exact: false }).waitFor();
    expect(await section.getByTestId('temporary-password-pending').textContent()).toMatch(
      /^A temporary password is pending until .+ E[SD]T: the user has not logged in with it yet\.$/,
    );
    await adminPage.close();

    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByLabel('Practice Code').fill(practice.code);
    await page.getByLabel('User Name').fill(user.username);
    await page.getByLabel('Password', { exact: true }).pressSequentially(temporaryPassword);
    await page.getByRole('button', { name: 'Log In' }).click();
    await page.getByRole('heading', { name: 'Choose a New Password' }).waitFor();
    const newPassword = 'violet tugboat marble orchard';
    await page.getByLabel('New Password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm Password', { exact: true }).fill(newPassword);
    await page.getByTestId('password-checklist').waitFor();
    await page.getByRole('button', { name: 'Change Password' }).click();
    await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
    expect(await apiLogin(user.username, newPassword)).toBe('signed_in');
    await page.close();
  });

  it('creates a New User and shows the Temporary Password Created dialog', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, admin.username, admin.password);
    await page.getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('button', { name: '+ New User' }).click();
    const form = page.getByRole('dialog', { name: 'New User' });
    await form.getByLabel('User Name').fill('newbie');
    await form.getByLabel('First Name').fill('Nell');
    await form.getByLabel('Last Name').fill('Newbie');
    await form.getByLabel('Email').fill('nell@example.test');
    await form.getByLabel('Scheduler').check();
    await form.getByRole('button', { name: 'Create User' }).click();
    const shown = page.getByRole('dialog', { name: 'Temporary Password Created' });
    const temporaryPassword = (await shown.getByTestId('temporary-password').textContent()) ?? '';
    expect(await apiLogin('newbie', temporaryPassword)).toBe('password_change');
    await shown.getByRole('button', { name: 'OK' }).click();
    await page.getByRole('link', { name: /Newbie, Nell/ }).waitFor();
    await page.close();
  });

  it('resets a forgotten password with the link read from the .eml file', async () => {
    const user = await seedUser(server.deps, practice, { username: 'forgetter' });
    const page = await browser.newPage();
    await page.goto(`${server.url}/forgot-password`);
    await page.getByLabel('Practice Code').fill(practice.code);
    await page.getByLabel('User Name').fill(user.username);
    await page.getByRole('button', { name: 'Send Reset Link' }).click();
    await page.getByTestId('reset-link-sent').waitFor();

    await server.deliverMail();
    const mail = readOutbox(server.outboxDir).find((m) => m.to.startsWith('forgetter@'));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/reset-password#token=[\w-]+)/.exec(mail?.text ?? '')?.[1];
    expect(link).toBeDefined();
    await page.goto(link ?? '');
    const newPassword = 'violet tugboat quarry orchard';
    await page.getByLabel('New Password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm Password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Reset Password' }).click();
    await page.getByTestId('password-reset-done').waitFor();
    expect(page.url()).not.toContain('token');
    expect(await apiLogin(user.username, newPassword)).toBe('signed_in');
    await page.close();
  });

  it('saves Password Settings, asking to acknowledge a minimum below the recommendation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, admin.username, admin.password);
    await page.getByRole('link', { name: 'Settings' }).click();
    const card = page.getByTestId('password-settings');
    await card.waitFor();
    await card.getByLabel('Minimum password length').fill('10');
    await card.getByTestId('min-length-warning').waitFor();
    await card.getByRole('button', { name: 'Save Password Settings' }).click();
    await card.getByText('Confirm that you understand the risk').waitFor();
    await card.getByLabel('I understand and want a shorter minimum').check();
    await card.getByLabel('Number').check();
    await card.getByRole('button', { name: 'Save Password Settings' }).click();
    await card.getByTestId('settings-saved').waitFor();
    await page.screenshot({ path: artifactPath('password-settings.png'), fullPage: true });
    const client = await signedInClient(server.url, practice.code, admin);
    const policy = await client.get<{ policy: { minLength: number; requireDigit: boolean } }>(
      '/api/me/password-policy',
    );
    expect(policy.body.policy).toMatchObject({ minLength: 10, requireDigit: true });
    await page.close();
  });
});
