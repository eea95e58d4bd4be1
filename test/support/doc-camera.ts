import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { RECOVERY_CODE_ALPHABET } from '../../src/domain/recovery-codes.js';
import type { DocScreenshotName } from '../docs/doc-screenshots.js';

/**
 * Taking the guides' screenshots so that a second run draws the same pixels: a fixed window,
 * locale, time zone, browser and address per made-up device; nothing loading, no hover and no
 * transition when the picture is taken; fixed examples shown in place of the random values a
 * step displays (secrets, codes, ids), after the walk has read and used the real ones.
 * (Two or three pictures may still differ by a few anti-aliased pixels of a rounded corner.)
 */

/** Browsers and addresses the made-up staff sign in from (documentation address ranges). */
export const DEVICES = {
  officePc: {
    ip: '203.0.113.24',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  },
  adminMac: {
    ip: '203.0.113.10',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  },
  homeIphone: {
    ip: '198.51.100.40',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1',
  },
  homeMac: {
    ip: '198.51.100.23',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15',
  },
  unknown: {
    ip: '192.0.2.77',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  },
} as const;
export type Device = (typeof DEVICES)[keyof typeof DEVICES];

/** Waits for the page as long as Playwright's own steps do (the password checks load on demand). */
export const SLOW = { timeout: 30_000 } as const;

/** Example values shown instead of this run's random secrets. */
export const EXAMPLE_TOTP_SECRET = 'JBSWY3DPEHPK3PXPMFRGG2LTNRSXE4TF';
export const EXAMPLE_TEMPORARY_PASSWORD = 'Hp7w-Ne4R-qz9T-hB3m';
export const EXAMPLE_TOTP_CODE = '492817';
export const EXAMPLE_ID = '3f2b8c1e-5d4a-4e6f-9b7c-2a1d0e9f8b6c';

/** A browser window of the standard size, as `device`. */
export function newDeviceContext(browser: Browser, device: Device): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'America/New_York',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    userAgent: device.userAgent,
    extraHTTPHeaders: { 'x-forwarded-for': device.ip },
  });
}

/**
 * What a picture shows: the visible page, the whole page, the area around some parts of the
 * page, or a dialog (which stays where it is in the window, however long the page).
 */
export type Area = 'viewport' | 'full page' | readonly Locator[] | { readonly dialog: Locator };

/** Saves docs images into one folder and remembers which it took. */
export class DocCamera {
  readonly #outputDir: string;
  readonly #taken = new Set<DocScreenshotName>();

  constructor(outputDir: string) {
    mkdirSync(outputDir, { recursive: true });
    this.#outputDir = outputDir;
  }

  /** The names of the pictures taken so far. */
  get taken(): DocScreenshotName[] {
    return [...this.#taken];
  }

  /** Saves docs image `name` from `page`. */
  async shoot(name: DocScreenshotName, page: Page, area: Area = 'viewport'): Promise<void> {
    // Nothing still loading (a late answer would move the layout), and no hover effect.
    await expect.poll(() => page.locator('[aria-busy="true"], .skeleton').count(), SLOW).toBe(0);
    await page.mouse.move(1279, 799);
    const options = {
      path: path.join(this.#outputDir, `${name}.png`),
      animations: 'disabled',
      caret: 'hide',
      // A border still fading after the mouse left it would differ from run to run.
      style: '*, *::before, *::after { transition: none !important; }',
    } as const;
    if (area === 'viewport') {
      await page.screenshot(options);
    } else if (area === 'full page') {
      await page.screenshot({ ...options, fullPage: true });
    } else if ('dialog' in area) {
      // Dialogs taller than the standard window are shown whole in a taller one.
      await page.setViewportSize({ width: 1280, height: 1100 });
      await page.screenshot({ ...options, clip: await around([area.dialog]) });
      await page.setViewportSize({ width: 1280, height: 800 });
    } else {
      // Page coordinates: from the top of the page, which the whole-page picture starts at.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ ...options, fullPage: true, clip: await around(area) });
    }
    this.#taken.add(name);
  }
}

/** The smallest rectangle holding every part, with a margin. */
async function around(parts: readonly Locator[]) {
  const boxes = await Promise.all(parts.map((part) => part.boundingBox()));
  const present = boxes.filter((box) => box !== null);
  expect(present).toHaveLength(parts.length);
  const margin = 16;
  const left = Math.max(0, Math.min(...present.map((box) => box.x)) - margin);
  const top = Math.max(0, Math.min(...present.map((box) => box.y)) - margin);
  const right = Math.min(1280, Math.max(...present.map((box) => box.x + box.width)) + margin);
  const bottom = Math.max(...present.map((box) => box.y + box.height)) + margin;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Shows `text` in place of a random secret on the page (after the walk has read the real one). */
export async function showExample(target: Locator, text: string): Promise<void> {
  await target.evaluate((element, value) => {
    element.textContent = value;
  }, text);
}

/** Ten fixed recovery codes in the real format (four groups of four from the real alphabet). */
export function exampleRecoveryCodes(): string[] {
  let seed = 7;
  const symbol = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return RECOVERY_CODE_ALPHABET[seed % RECOVERY_CODE_ALPHABET.length] ?? 'a';
  };
  const group = () => Array.from({ length: 4 }, symbol).join('');
  return Array.from({ length: 10 }, () => Array.from({ length: 4 }, group).join('-'));
}
