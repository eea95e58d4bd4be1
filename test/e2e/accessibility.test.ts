import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe.js';
import { launchBrowser, logInOnPage } from '../support/browser.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * axe-core on every main page and dialog, at desktop (1366×900) and phone (390×844) size:
 * no serious or critical violation anywhere.
 */
const VIEWPORTS = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let admin: SeededUser;
let clinician: SeededUser;

beforeAll(async () => {
  server = await startTestServer({ rateLimiting: false });
  practice = await seedPractice(server.deps);
  admin = await seedUser(server.deps, practice, {
    username: 'office.admin',
    roles: ['practice_admin'],
    firstName: 'Jamie',
    lastName: 'Rivera',
  });
  clinician = await seedUser(server.deps, practice, { username: 'dr.lee' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Fails naming every serious or critical problem axe finds on what `page` shows now. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const problems = await seriousAxeViolations(page);
  expect(problems, `${what}: ${JSON.stringify(problems, null, 2)}`).toEqual([]);
}

async function signedInPage(viewport: (typeof VIEWPORTS)[keyof typeof VIEWPORTS]): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await logInOnPage(page, server.url, { practiceCode: practice.code, ...admin });
  await page.getByTestId('user-menu-button').waitFor();
  return page;
}

describe.each(Object.entries(VIEWPORTS))('axe-core at %s size', (_size, viewport) => {
  it('finds nothing serious on the signed-out pages', async () => {
    const page = await browser.newPage({ viewport });
    for (const [path, heading] of [
      ['/login', 'Gatehouse'],
      ['/forgot-password', 'Forgot Your Password?'],
      ['/forgot-practice-code', /practice code/i],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      await expectAccessible(page, path);
    }
    await page.goto(`${server.url}/login`);
    await page.getByRole('button', { name: 'Log In' }).click();
    await page.getByRole('alert').first().waitFor();
    await expectAccessible(page, 'sign-in with errors');
    await page.close();
  });

  it('finds nothing serious on the main pages, signed in as a Practice Administrator', async () => {
    const page = await signedInPage(viewport);
    await expectAccessible(page, 'profile');
    // On a phone the navigation is behind the top bar's Menu button, whole (not clipped).
    const activityLink = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Activity Log' });
    const menuButton = page.getByRole('button', { name: 'Menu', exact: true });
    expect(await menuButton.isVisible()).toBe(viewport === VIEWPORTS.phone);
    if (viewport === VIEWPORTS.phone) {
      expect(await activityLink.isVisible()).toBe(false);
      await menuButton.click();
      expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
      const box = await activityLink.boundingBox();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? Infinity) <= viewport.width).toBe(true);
      await expectAccessible(page, 'phone menu');
      await activityLink.click();
      await page.getByRole('heading', { name: /Activity Log/, level: 1 }).waitFor();
      expect(await activityLink.isVisible()).toBe(false);
    } else expect(await activityLink.isVisible()).toBe(true);
    const pages = [
      ['/staff', 'Staff'],
      [`/staff/${clinician.id}`, /dr\.lee/],
      ['/settings', 'Settings'],
      ['/settings/computer-access', 'Computer Access Settings'],
      ['/settings/connected-apps', 'Connected Apps'],
      ['/settings/activity-log', /Activity Log/],
      ['/profile/activity', /Activity Log/],
    ] as const;
    for (const [path, heading] of pages) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible(page, path);
    }
    await page.close();
  });

  it('finds nothing serious in the dialogs and the open user menu', async () => {
    const page = await signedInPage(viewport);
    await page.getByTestId('user-menu-button').click();
    await page.getByRole('menuitem', { name: 'Log Out' }).waitFor();
    await expectAccessible(page, 'user menu');
    await page.keyboard.press('Escape');

    const section = page.getByRole('region', { name: 'Security & Activity' });
    await section.getByRole('button', { name: 'Change Your Password' }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible(page, 'change password dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Change Password' }).click();
    await page.getByRole('dialog').getByRole('alert').first().waitFor();
    await expectAccessible(page, 'change password dialog with errors');
    // After an error the dialog's buttons are still in view.
    expect(await page.getByRole('dialog').getByRole('button', { name: 'Change Password' }).isVisible()).toBe(
      true,
    );
    const changeBox = await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Change Password' })
      .boundingBox();
    expect((changeBox?.y ?? Infinity) + (changeBox?.height ?? 0)).toBeLessThanOrEqual(viewport.height);
    await page.keyboard.press('Escape');
    // Focus goes back to the button that opened the dialog.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Change Your Password');

    await page.goto(`${server.url}/staff`);
    await page.getByRole('button', { name: '+ New User' }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible(page, 'new user dialog');
    await page.keyboard.press('Escape');

    await page.goto(`${server.url}/staff/${clinician.id}`);
    await page.getByRole('button', { name: 'Reset Password' }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible(page, 'reset password confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Reset Password' }).click();
    await page.getByRole('dialog').getByTestId('temporary-password').waitFor();
    await expectAccessible(page, 'temporary password dialog');
    // The dialog names the person the password is for.
    expect(await page.getByRole('dialog').textContent()).toContain('give it to Sam dr.lee (dr.lee)');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Reset Password');
    await page.close();
  });
});
