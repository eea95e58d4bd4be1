import type { PagePosition } from '../domain/activity-filter.js';
import { csvRow } from '../domain/csv-cell.js';
import type { AuditEvent } from '../domain/audit-event.js';
import { describeBrowser } from '../domain/user-agent.js';
import { listActivity } from '../store/activity-store.js';
import type { Executor } from '../store/database.js';
import type { ActivityFilters } from './activity.js';

/**
 * The activity log as CSV (DESIGN.md "CSV export"), produced batch by batch: memory stays
 * constant whatever the log's size, and a slow reader slows the database reads (the caller
 * pulls lines from the generator as its stream drains). Events that arrive during the export
 * are newer than its first batch and so are not in it: the file is one consistent cut.
 */
export const CSV_COLUMNS = [
  'id',
  'at',
  'type',
  'outcome',
  'actor_id',
  'actor_username',
  'target_id',
  'target_username',
  'ip',
  'browser',
  'user_agent',
  'details',
] as const;

const BATCH_SIZE = 2000;
/** Distinct user agents remembered while exporting: parsing one costs far more than a CSV row. */
const BROWSER_CACHE_SIZE = 2000;

export interface ExportScope {
  readonly chainId: string;
  readonly userId?: string;
}

export async function* activityCsv(
  db: Executor,
  scope: ExportScope,
  filters: ActivityFilters,
): AsyncGenerator<string> {
  // The export is every matching event: the page size and cursor of a page query do not apply.
  const { types, outcome, fromAt, toAt } = filters;
  const query = {
    ...scope,
    ...(types ? { types } : {}),
    ...(outcome ? { outcome } : {}),
    ...(fromAt === undefined ? {} : { fromAt }),
    ...(toAt === undefined ? {} : { toAt }),
    limit: BATCH_SIZE,
  };
  yield csvRow(CSV_COLUMNS);
  const browsers = new Map<string, string>();
  const browserOf = (userAgent: string): string => {
    let browser = browsers.get(userAgent);
    if (browser === undefined) {
      if (browsers.size >= BROWSER_CACHE_SIZE) browsers.clear();
      browser = describeBrowser(userAgent);
      browsers.set(userAgent, browser);
    }
    return browser;
  };
  let before: PagePosition | undefined;
  for (;;) {
    const page = await listActivity(db, before === undefined ? query : { ...query, before });
    yield page.events.map((event) => csvLine(event, browserOf(event.userAgent))).join('');
    const last = page.events.at(-1);
    if (!page.more || !last) return;
    before = { at: last.at, seq: last.seq };
  }
}

function csvLine(event: AuditEvent, browser: string): string {
  return csvRow([
    event.id,
    new Date(event.at).toISOString(),
    event.type,
    event.outcome,
    event.actor?.id ?? null,
    event.actor?.username ?? null,
    event.target?.id ?? null,
    event.target?.username ?? null,
    event.ip,
    browser,
    event.userAgent,
    JSON.stringify(event.details),
  ]);
}
