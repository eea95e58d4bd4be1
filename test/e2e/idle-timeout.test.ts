import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_SETTINGS } from '../../src/domain/security-settings.js';
import { updatePracticeSettings } from '../../src/store/practice-store.js';
import { eventsOf } from '../support/events.js';
import { artifactPath, launchBrowser, logInOnPage } from '../support/browser.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * The idle-timeout warning with a 3-minute idle timeout. Time is moved by hand on both sides:
 * Playwright's clock in the page, the test clock on the server — no sleeping.
 */
let server: TestServer;
let browser: Browser;
let practice: TestPractice;
let user: SeededUser;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  await updatePracticeSettings(server.deps.store.db, practice.practiceId, {
    ...DEFAULT_SECURITY_SETTINGS,
    idleTimeoutMinutes: 3,
  });
  user = await seedUser(server.deps, practice, { username: 'idler' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('idle timeout warning', () => {
  it('warns two minutes before, "Stay Logged In" keeps the session, then idling lands on sign-in with a message', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.clock.install();
    await logInOnPage(page, server.url, { practiceCode: practice.code, ...user });
    await page.getByTestId('practice-name').waitFor();
    const dialog = page.getByRole('alertdialog', { name: 'Are You Still There?' });
    expect(await dialog.isVisible()).toBe(false);

    // One minute idle: two minutes are left, so the warning shows.
    await page.clock.fastForward(61 * SECOND);
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/logged out in 1:5\d because of inactivity/);
    await page.screenshot({ path: artifactPath('idle-warning.png'), fullPage: true });

    server.clock.advance(1 * MINUTE);
    await page.getByRole('button', { name: 'Stay Logged In' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const kept = await eventsOf(server.deps.store, user.id);
    expect(kept.some((event) => event.type === 'session.expired')).toBe(false);

    // Idle past the timeout on both sides: the server ends the session, the page follows.
    server.clock.advance(3 * MINUTE + 5 * SECOND);
    await page.clock.fastForward(1 * MINUTE + 5 * SECOND);
    await dialog.waitFor();
    await page.clock.fastForward(2 * MINUTE);
    await page.getByTestId('session-expired').waitFor();
    expect(page.url()).toMatch(/\/login\?reason=expired$/);
    expect(await page.getByTestId('session-expired').textContent()).toContain(
      'You were logged out after a period of inactivity.',
    );
    const [latest] = await eventsOf(server.deps.store, user.id);
    expect(latest).toMatchObject({ type: 'session.expired', details: { reason: 'idle_timeout' } });
    await page.screenshot({ path: artifactPath('idle-signed-out.png'), fullPage: true });
    await page.close();
  });
});
