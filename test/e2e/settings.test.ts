import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPracticeById } from '../../src/store/practice-store.js';
import { launchBrowser, logInOnPage } from '../support/browser.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** Settings > Security: every setting edited in the page, saved, and still there after a reload. */
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

async function settingsPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await logInOnPage(page, server.url, { practiceCode: practice.code, ...admin });
  await page.getByTestId('user-menu-button').waitFor();
  await page.goto(`${server.url}/settings`);
  await page.getByTestId('session-settings').getByLabel('Idle timeout (minutes)').waitFor();
  return page;
}

const SESSION_VALUES = {
  'Idle timeout (minutes)': '20',
  'Absolute timeout (hours)': '8',
  'Failed login attempts before an account locks': '5',
  'Lockout duration (minutes)': '45',
  'Temporary password lifetime (hours)': '48',
  'Remember a browser for two-factor (days)': '14',
} as const;

describe('Settings > Security', () => {
  it('shows a wrong value’s error beside its field, clears it once fixed, and saves every session setting', async () => {
    const page = await settingsPage();
    const card = page.getByTestId('session-settings');
    await card.getByLabel('Idle timeout (minutes)').fill('0');
    await card.getByLabel('Absolute timeout (hours)').fill('1');
    await card.getByRole('button', { name: 'Save Login and Session Settings' }).click();
    const idleError = card.getByTestId('idleTimeoutMinutes-error');
    expect(await idleError.textContent()).toBe('Enter a whole number from 1 to 1440.');
    expect(await card.getByLabel('Idle timeout (minutes)').getAttribute('aria-invalid')).toBe('true');

    // Fixing the idle timeout clears its error at once and brings out the rule across both fields.
    await card.getByLabel('Idle timeout (minutes)').fill('120');
    await idleError.waitFor({ state: 'detached' });
    expect(await card.getByTestId('absoluteTimeoutHours-error').textContent()).toBe(
      'The absolute timeout must not be shorter than the idle timeout.',
    );
    for (const [label, value] of Object.entries(SESSION_VALUES)) await card.getByLabel(label).fill(value);
    await card.getByTestId('absoluteTimeoutHours-error').waitFor({ state: 'detached' });
    await card.getByLabel('One session per user').check();
    await card.getByLabel('Practice time zone').selectOption('Europe/London');
    expect(await card.getByLabel('Security alerts to administrators').inputValue()).toBe('immediately');
    await card.getByLabel('Security alerts to administrators').selectOption('daily_digest');
    await card.getByRole('button', { name: 'Save Login and Session Settings' }).click();
    expect(await card.getByTestId('settings-saved').textContent()).toBe(
      'Settings saved. They apply from now on.',
    );

    await page.reload();
    const reloaded = page.getByTestId('session-settings');
    await reloaded.getByLabel('Idle timeout (minutes)').waitFor();
    for (const [label, value] of Object.entries(SESSION_VALUES))
      expect(await reloaded.getByLabel(label).inputValue(), label).toBe(value);
    expect(await reloaded.getByLabel('One session per user').isChecked()).toBe(true);
    expect(await reloaded.getByLabel('Practice time zone').inputValue()).toBe('Europe/London');
    expect(await reloaded.getByLabel('Security alerts to administrators').inputValue()).toBe('daily_digest');

    const stored = await findPracticeById(server.deps.store.db, practice.practiceId);
    expect(stored?.settings).toMatchObject({
      idleTimeoutMinutes: 20,
      absoluteTimeoutHours: 8,
      singleSession: true,
      lockout: { threshold: 5, minutes: 45 },
      temporaryPasswordHours: 48,
      rememberBrowserDays: 14,
      timeZone: 'Europe/London',
      adminAlerts: 'daily_digest',
    });
    await page.close();
  });

  it('saves every password setting, with the same saved message and errors beside their fields', async () => {
    const page = await settingsPage();
    const card = page.getByTestId('password-settings');
    await card.getByLabel('Minimum password length').fill('99');
    await card.getByRole('button', { name: 'Save Password Settings' }).click();
    expect(await card.getByTestId('minLength-error').textContent()).toBe(
      'Enter a whole number from 8 to 64.',
    );
    await card.getByLabel('Minimum password length').fill('14');
    await card.getByTestId('minLength-error').waitFor({ state: 'detached' });
    await card.getByLabel('Number').check();
    await card.getByLabel('Symbol').check();
    await card.getByLabel('Passwords expire').check();
    await card.getByLabel('Days until a password expires').fill('60');
    await card.getByLabel('Recent passwords that cannot be reused').fill('5');
    await card.getByLabel('Most identical characters in a row').fill('4');
    await card.getByRole('button', { name: 'Save Password Settings' }).click();
    expect(await card.getByTestId('settings-saved').textContent()).toBe(
      'Settings saved. They apply from now on.',
    );

    await page.reload();
    const reloaded = page.getByTestId('password-settings');
    await reloaded.getByLabel('Minimum password length').waitFor();
    expect(await reloaded.getByLabel('Minimum password length').inputValue()).toBe('14');
    expect(await reloaded.getByLabel('Number').isChecked()).toBe(true);
    expect(await reloaded.getByLabel('Symbol').isChecked()).toBe(true);
    expect(await reloaded.getByLabel('Upper-case letter').isChecked()).toBe(false);
    expect(await reloaded.getByLabel('Days until a password expires').inputValue()).toBe('60');
    expect(await reloaded.getByLabel('Recent passwords that cannot be reused').inputValue()).toBe('5');
    expect(await reloaded.getByLabel('Most identical characters in a row').inputValue()).toBe('4');
    // The session settings saved by the test before survive a save of this card.
    expect(await page.getByTestId('session-settings').getByLabel('Idle timeout (minutes)').inputValue()).toBe(
      '20',
    );
    await page.close();
  });
});
