import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (Playwright's own browser download cannot work here). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Screenshots of the e2e run go here (not committed). */
export function artifactPath(name: string): string {
  const dir = path.resolve('test/artifacts');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** Opens the sign-in page at `url` and logs in as a person would, typing into the labelled fields. */
export async function logInOnPage(
  page: Page,
  url: string,
  credentials: { readonly practiceCode: string; readonly username: string; readonly password: string },
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Practice Code').fill(credentials.practiceCode);
  await page.getByLabel('User Name').fill(credentials.username);
  await page.getByLabel('Password', { exact: true }).fill(credentials.password);
  await page.getByRole('button', { name: 'Log In' }).click();
}
