import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

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

interface LogInCredentials {
  readonly practiceCode: string;
  readonly username: string;
  readonly password: string;
}

/**
 * Opens the sign-in page at `url` and fills it in, typing into the labelled fields; `typed`
 * enters the password key by key (as a person types a temporary password) instead of pasting it.
 */
export async function fillLogInForm(
  page: Page,
  url: string,
  credentials: LogInCredentials,
  { typed = false }: { typed?: boolean } = {},
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Practice Code').fill(credentials.practiceCode);
  await page.getByLabel('User Name').fill(credentials.username);
  const password = page.getByLabel('Password', { exact: true });
  if (typed) await password.pressSequentially(credentials.password);
  else await password.fill(credentials.password);
}

/** Opens the sign-in page at `url` and logs in as a person would, typing into the labelled fields. */
export async function logInOnPage(page: Page, url: string, credentials: LogInCredentials): Promise<void> {
  await fillLogInForm(page, url, credentials);
  await page.getByRole('button', { name: 'Log In' }).click();
}

/** Logs out from the user menu, as a person would, and waits for the sign-in page. */
export async function logOutOnPage(page: Page): Promise<void> {
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Log Out' }).click();
  await page.getByRole('button', { name: 'Log In' }).waitFor();
}

/**
 * Gives `page` Chromium's virtual authenticator (a platform passkey that always verifies the
 * user), so passkeys can be created and used without a person. Returns the DevTools session
 * and the authenticator's id, to read its credentials.
 */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}
