import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPracticeById } from '../../src/store/practice-store.js';
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

describe('Computer Access Settings', () => {
  it('lets a Practice Administrator add named ranges, shows the server’s refusal of a bad one, and saves', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logInOnPage(page, server.url, { practiceCode: practice.code, ...admin });
    await page.getByTestId('practice-name').waitFor();
    await page.goto(`${server.url}/settings/computer-access`);
    await page.getByRole('heading', { name: 'Computer Access Settings' }).waitFor();
    expect(await page.getByTestId('access-empty').textContent()).toContain('No addresses yet');
    expect(await page.getByTestId('your-address').textContent()).toContain('127.0.0.1');

    await page.getByRole('button', { name: 'Add Address' }).click();
    await page.getByTestId('access-empty').waitFor({ state: 'detached' });
    await page.getByLabel('Name of entry 1').fill('Main office');
    await page.getByLabel('IP address or range of entry 1').fill('203.0.113.0/33');
    await page.getByLabel('Only allow login from the addresses below').check();
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('is not an IP address or CIDR range');

    await page.getByLabel('IP address or range of entry 1').fill('203.0.113.0/24');
    await page.getByRole('button', { name: 'Add Address' }).click();
    await page.getByLabel('Name of entry 2').fill('Home office');
    await page.getByLabel('IP address or range of entry 2').fill('2001:db8:42::/48');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('settings-saved').waitFor();
    await page.screenshot({ path: artifactPath('computer-access.png'), fullPage: true });

    const stored = await findPracticeById(server.deps.store.db, practice.practiceId);
    expect(stored?.settings.ipAllowList).toEqual({
      enabled: true,
      entries: [
        { name: 'Main office', cidr: '203.0.113.0/24' },
        { name: 'Home office', cidr: '2001:db8:42::/48' },
      ],
    });
    await page.close();
  });
});
