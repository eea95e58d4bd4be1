import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
import { HttpClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/** Security & Activity and the activity log, as a Practice Administrator uses them (docs/admin-guide.md "Activity log"). */
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let admin: SeededUser;
let clinician: SeededUser;

beforeAll(async () => {
  server = await startTestServer({ trustProxy: 1 });
  practice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, { username: 'office.admin', roles: ['practice_admin'] });
  clinician = await seedUser(server.deps, practice, { username: 'dr.lee' });
  const office = new HttpClient(server.url, {
    'user-agent': CHROME_WINDOWS,
    'x-forwarded-for': '203.0.113.7',
  });
  const credentials = { practiceCode: practice.code, username: clinician.username };
  await office.post('/api/auth/login', { ...credentials, password: 'not the password' });
  await office.post('/api/auth/login', { ...credentials, password: clinician.password });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, user: SeededUser) {
  await logInOnPage(page, server.url, {
    practiceCode: practice.code,
    username: user.username,
    password: user.password,
  });
  await page.getByRole('region', { name: 'Security & Activity' }).waitFor();
}

describe('Security & Activity and the activity log', () => {
  it('shows the admin a staff member’s last login, then their activity log, filtered, and its CSV', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await signIn(page, admin);
    await page.goto(`${server.url}/staff/${clinician.id}`);
    const section = page.getByTestId('staff-security-activity');
    await section.getByTestId('last-login-ip').waitFor();
    expect(await section.getByTestId('last-login-ip').textContent()).toBe('203.0.113.7');
    expect(await section.getByTestId('last-login-browser').textContent()).toBe('Chrome 142 on Windows 10');
    const at = await section.getByTestId('last-login-at').locator('time').getAttribute('datetime');
    expect(Date.now() - Date.parse(at ?? '')).toBeLessThan(10 * 60_000);
    expect(await section.getByTestId('last-login-at').textContent()).toMatch(/\d{4}/);
    await section.getByTestId('session').first().waitFor();
    expect(await section.getByTestId('session').first().textContent()).toContain('Chrome 142 on Windows 10');
    await page.screenshot({ path: artifactPath('staff-security-activity.png'), fullPage: true });

    await section.getByRole('link', { name: 'View Activity Log' }).click();
    const log = page.getByTestId('activity-log');
    await log.getByTestId('activity-row').first().waitFor();
    const types = () =>
      log.getByTestId('activity-row').evaluateAll((rows) => rows.map((row) => row.dataset.type));
    expect(await types()).toEqual(expect.arrayContaining(['login.succeeded', 'login.failed']));
    // The log's own views are recorded but left out until asked for.
    expect(await types()).not.toContain('activity.viewed');
    await log.getByLabel('Show when the log was viewed').check();
    await expect.poll(types).toContain('activity.viewed');
    expect(
      await log.getByTestId('activity-row').filter({ hasText: 'Activity log viewed' }).first().textContent(),
    ).not.toMatch(/scope|format/);
    await log.getByLabel('Show when the log was viewed').uncheck();
    await expect.poll(types).not.toContain('activity.viewed');
    expect(
      await log.getByTestId('activity-row').filter({ hasText: 'Logged in' }).first().textContent(),
    ).toContain('203.0.113.7');

    await log.getByLabel('Action').selectOption('login.failed');
    await expect.poll(types).toEqual(['login.failed']);
    const failed = await log.getByTestId('activity-row').textContent();
    expect(failed).toContain('Why: wrong password');
    // Times in the practice's zone with the zone shown, never a raw ISO time.
    expect(failed).toMatch(/\d{1,2}:\d{2} [AP]M E[SD]T/);
    expect(failed).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(await log.getByTestId('activity-totals').textContent()).toBe('Page 1 of 1: 1 event, 1 failed.');
    // The filter is kept in the URL: a reload shows the same view.
    expect(new URL(page.url()).searchParams.get('type')).toBe('login.failed');
    await page.reload();
    await log.getByTestId('activity-row').first().waitFor();
    expect(await log.getByLabel('Action').inputValue()).toBe('login.failed');
    await expect.poll(types).toEqual(['login.failed']);
    await page.screenshot({ path: artifactPath('activity-log-filtered.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      log.getByTestId('download-csv').click(),
    ]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8').split('\r\n');
    expect(csv[0]).toContain('"id","at","type","outcome"');
    expect(csv.slice(1, -1)).toHaveLength(1);
    expect(csv[1]).toContain('"login.failed","failure"');
    expect(csv[1]).toContain('"203.0.113.7"');
    await page.close();
  });

  it('shows the practice-wide log and one’s own sessions, and signs a user out everywhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Someone signs in as the admin from elsewhere; the admin's own page then shows that sign-in
    // as the previous one (the last login is the admin's own, just now).
    await new HttpClient(server.url, {
      'user-agent': CHROME_WINDOWS,
      'x-forwarded-for': '198.51.100.66',
    }).post('/api/auth/login', {
      practiceCode: practice.code,
      username: admin.username,
      password: admin.password,
    });
    await signIn(page, admin);
    const own = page.getByRole('region', { name: 'Security & Activity' });
    expect(await own.getByTestId('previous-login').textContent()).toMatch(
      /E[SD]T · 198\.51\.100\.66 · Chrome 142 on Windows 10$/,
    );
    const mine = own.getByTestId('sessions');
    await mine.getByTestId('session').first().waitFor();
    expect(await mine.textContent()).toContain('This browser');

    await page.goto(`${server.url}/settings/activity-log`);
    const log = page.getByTestId('activity-log');
    await log.getByTestId('activity-row').first().waitFor();
    expect(await log.textContent()).toContain('dr.lee');
    await log.getByLabel('Search').fill('203.0.113.7 logged in');
    await expect
      .poll(() =>
        log
          .getByTestId('activity-row')
          .evaluateAll((rows) =>
            rows.every(
              (row) => row.textContent?.includes('203.0.113.7') && row.dataset.type === 'login.succeeded',
            ),
          ),
      )
      .toBe(true);
    // The search is the server's, over the whole log, and kept in the URL with the totals it gives.
    await expect
      .poll(() => log.getByTestId('activity-totals').textContent())
      .toBe('Page 1 of 1: 1 event, 0 failed.');
    expect(new URL(page.url()).searchParams.get('q')).toBe('203.0.113.7 logged in');
    await page.reload();
    await log.getByTestId('activity-row').first().waitFor();
    expect(await log.getByLabel('Search').inputValue()).toBe('203.0.113.7 logged in');
    expect(await log.getByTestId('activity-row').count()).toBe(1);
    await log.getByLabel('Search').fill('');
    await log.getByRole('button', { name: 'dr.lee' }).first().click();
    await expect
      .poll(() =>
        log
          .getByTestId('activity-row')
          .evaluateAll((rows) => rows.every((row) => row.textContent?.includes('dr.lee'))),
      )
      .toBe(true);
    await page.screenshot({ path: artifactPath('practice-activity-log.png'), fullPage: true });

    await page.goto(`${server.url}/staff/${clinician.id}`);
    const section = page.getByTestId('staff-security-activity');
    await section.getByRole('button', { name: 'Log Out Everywhere' }).click();
    await section.getByText('1 session was logged out.').waitFor();
    await section.getByText('This user is not logged in anywhere.', { exact: false }).waitFor();
    await page.close();
  });
});
