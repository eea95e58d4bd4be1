import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
import {
  OVERSIGHT_FILTERED,
  seedOversightPractice,
  type OversightPractice,
} from '../support/oversight-practice.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let seeded: OversightPractice;

beforeAll(async () => {
  server = await startTestServer();
  seeded = await seedOversightPractice(server.deps);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The user names in the table, top to bottom, once the list shows `count` people. */
async function shownUsernames(page: Page, count: number): Promise<string[]> {
  const rows = page.getByTestId('staff-table').locator('tbody tr');
  await expect.poll(() => rows.count()).toBe(count);
  return rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-username') ?? ''));
}

describe('Staff list', () => {
  it('filters, searches and sorts, keeps them in the URL, and never shows a locked user as just "Active"', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInOnPage(page, server.url, { practiceCode: seeded.practice.code, ...seeded.admin });
    await page.getByTestId('practice-name').waitFor();
    await page.goto(`${server.url}/staff`);
    expect(await shownUsernames(page, 8)).toEqual([
      'admin',
      'alice',
      'bob',
      'boss',
      'carol',
      'dave',
      'erin',
      'frank',
    ]);

    const bobStatus = page.locator('tr[data-username="bob"]').getByTestId('staff-status');
    // The practice's zone (America/New_York) is shown with the time.
    expect(await bobStatus.textContent()).toMatch(/^Locked until .*(EST|EDT)$/);
    expect(await page.locator('tr[data-username="carol"]').getByTestId('staff-status').textContent()).toMatch(
      /^ActiveTemporary password until .*(EST|EDT)$/,
    );
    expect(await page.locator('tr[data-username="alice"] .badge').textContent()).toBe('On');
    expect(await page.locator('tr[data-username="carol"] td').nth(3).textContent()).toBe('Never');

    const show = page.getByLabel('Show');
    await show.selectOption({ label: 'Without two-factor authentication' });
    expect(await shownUsernames(page, 3)).toEqual([...OVERSIGHT_FILTERED.no_two_factor]);
    expect(new URL(page.url()).searchParams.get('filter')).toBe('no_two_factor');
    await show.selectOption({ label: 'Locked' });
    expect(await shownUsernames(page, 1)).toEqual(['bob']);
    await show.selectOption({ label: 'Never logged in' });
    expect(await shownUsernames(page, 2)).toEqual([...OVERSIGHT_FILTERED.never_signed_in]);

    await page.getByLabel('Search').fill('carol');
    expect(await shownUsernames(page, 1)).toEqual(['carol']);
    await page.getByLabel('Search').fill('bob');
    await page.getByTestId('staff-empty').waitFor();

    await page.getByRole('button', { name: 'Show Everyone' }).click();
    expect(await shownUsernames(page, 8)).toHaveLength(8);
    await page.getByRole('button', { name: 'User Name' }).click();
    await page.getByRole('button', { name: 'User Name' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('order')).toBe('desc');
    expect(await shownUsernames(page, 8)).toEqual([
      'frank',
      'erin',
      'dave',
      'carol',
      'boss',
      'bob',
      'alice',
      'admin',
    ]);
    expect(await page.getByRole('columnheader', { name: /User Name/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );

    // A reload keeps the list as it was.
    await page.goto(`${server.url}/staff?filter=inactive_90_days`);
    expect(await shownUsernames(page, 1)).toEqual(['dave']);
    expect(await show.inputValue()).toBe('inactive_90_days');
    await page.screenshot({ path: artifactPath('staff-list.png'), fullPage: true });
    await page.close();
  });
});
