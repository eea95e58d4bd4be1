import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
import {
  OVERSIGHT_COUNTS,
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

const TILES = [
  'no_two_factor',
  'locked',
  'temporary_password',
  'inactive_90_days',
  'password_expired',
  'recent_lockout',
  'failed_sign_in_burst',
  'never_signed_in',
] as const;

describe('Security Overview', () => {
  it('shows the seeded practice’s numbers, each linking to the staff list of those users', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInOnPage(page, server.url, { practiceCode: seeded.practice.code, ...seeded.admin });
    await page.getByTestId('practice-name').waitFor();
    await page.goto(`${server.url}/settings`);
    await page.getByRole('link', { name: 'Security Overview' }).click();
    await page.getByRole('heading', { name: 'Security Overview' }).waitFor();

    // 4 of 7 active users.
    expect(await page.getByTestId('two-factor-coverage').textContent()).toBe('57%');
    for (const filter of TILES) {
      const count = page.getByTestId(`overview-${filter}`).locator('.overview__count');
      expect(await count.textContent(), filter).toBe(String(OVERSIGHT_COUNTS[filter]));
    }
    await page.screenshot({ path: artifactPath('security-overview.png'), fullPage: true });

    await page.getByTestId('overview-password_expired').getByRole('link').click();
    await page.getByRole('heading', { name: 'Staff' }).waitFor();
    const rows = page.getByTestId('staff-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(OVERSIGHT_COUNTS.password_expired);
    expect(await rows.first().getAttribute('data-username')).toBe('dave');
    await page.close();
  });

  it('says, before two-factor authentication is required, how many users it affects and who', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await logInOnPage(page, server.url, { practiceCode: seeded.practice.code, ...seeded.admin });
    await page.getByTestId('practice-name').waitFor();
    await page.goto(`${server.url}/settings`);
    const impact = page.getByTestId('require-two-factor-impact');
    await impact.waitFor();
    expect(await impact.textContent()).toMatch(
      /^Requiring it affects 3 users without two-factor authentication, who must set it up at their next login: Ada Admin, Bea Bossson, Carol Carolson\./,
    );
    await impact.getByRole('link', { name: 'See Them in the Staff List' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('filter')).toBe('no_two_factor');
    await page.close();
  });
});
