import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle, read once; injected into each page that is checked. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts a page may not have (axe's two highest). */
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

export interface AxeProblem {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  /** CSS selectors of the offending elements, so a failure names what to fix. */
  readonly targets: readonly string[];
}

interface AxeResultsInPage {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown[] }[];
  }[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules plus best practices) on what `page` shows now and
 * returns its serious and critical violations; a page passes with none.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeProblem[]> {
  // Evaluated through DevTools rather than added as a <script>, which the app's
  // Content-Security-Policy (script-src 'self') rightly refuses.
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })) as AxeResultsInPage;
  });
  return results.violations
    .filter((violation) => BLOCKING_IMPACTS.has(violation.impact ?? ''))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
}
