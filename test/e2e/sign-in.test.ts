import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let user: SeededUser;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  user = await seedUser(server.deps, practice, { username: 'clinician1' });
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

describe('signing in through the page', () => {
  it('signs in and shows the Profile’s Security & Activity section', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await expect.poll(() => page.getByRole('button', { name: 'Log In' }).isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('sign-in.png'), fullPage: true });

    await signIn(page, user.username, user.password);
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Profile' }).click();
    const section = page.getByRole('region', { name: 'Security & Activity' });
    await section.waitFor();
    expect(await section.isVisible()).toBe(true);
    expect(page.url()).toMatch(/\/profile$/);
    await page.screenshot({ path: artifactPath('profile.png'), fullPage: true });

    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'gh_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(session?.value ?? 'no session');
    await page.close();
  });

  it('shows the error from the server for a wrong password, without saying which part was wrong', async () => {
    const page = await browser.newPage();
    await signIn(page, user.username, 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The practice code, user name or password is incorrect.');
    await page.close();
  });

  it('tells a correct password on a locked account that it is locked, until when, and who can unlock it', async () => {
    const locked = await seedUser(server.deps, practice, { username: 'locked.clinician' });
    const until = server.clock.now() + 15 * 60_000;
    await server.deps.store.db
      .updateTable('users')
      .set({ locked_until: until })
      .where('id', '=', locked.id)
      .execute();
    const page = await browser.newPage();
    await signIn(page, locked.username, locked.password);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('This account is locked until ');
    expect(text).toContain(String(new Date(until).getFullYear()));
    expect(text).toContain('Your Practice Administrator can unlock it now.');
    await page.close();
  });

  it('takes an administrator with a temporary password to the forced password change', async () => {
    const page = await browser.newPage();
    await signIn(page, practice.adminUsername, practice.temporaryPassword);
    await page.getByRole('heading', { name: /new password/i }).waitFor();
    await page.screenshot({ path: artifactPath('password-change.png'), fullPage: true });
    await page.close();
  });

  it('logs out from the user menu', async () => {
    const page = await browser.newPage();
    await signIn(page, user.username, user.password);
    await page.getByRole('button', { name: /User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Log Out' }).click();
    await page.getByRole('button', { name: 'Log In' }).waitFor();
    const session = await page.evaluate(() => fetch('/api/auth/session').then((r) => r.json()));
    expect(session).toEqual({ stage: 'anonymous', user: null });
    await page.close();
  });

  // docs/requirements.md P8: password managers and pasting must keep working.
  it('keeps the password field type=password with a Show/Hide toggle and autocomplete, and takes a pasted password', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const field = page.getByLabel('Password', { exact: true });
    await field.waitFor();
    expect(await field.getAttribute('type')).toBe('password');
    expect(await field.getAttribute('autocomplete')).toBe('current-password');

    await field.fill('typed so it can be shown');
    await page.getByRole('button', { name: 'Show password' }).click();
    expect(await field.getAttribute('type')).toBe('text');
    expect(await field.inputValue()).toBe('typed so it can be shown');
    await page.getByRole('button', { name: 'Hide password' }).click();
    expect(await field.getAttribute('type')).toBe('password');

    // A paste as a password manager or the clipboard delivers it: nothing cancels the event,
    // and the pasted text is what signs in.
    await field.fill('');
    const notCancelled = await field.evaluate((input, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      return input.dispatchEvent(paste);
    }, user.password);
    expect(notCancelled).toBe(true);
    await field.focus();
    await page.keyboard.insertText(user.password);
    await page.getByLabel('Practice Code').fill(practice.code);
    await page.getByLabel('User Name').fill(user.username);
    await page.getByRole('button', { name: 'Log In' }).click();
    await page.getByRole('button', { name: /User menu/ }).waitFor();
    await page.close();
  });
});
