import { boundedCache } from '../../domain/bounded-cache.js';
import { csvCell, csvRow } from '../../domain/csv-cell.js';
import { csvFromSeparated } from '../../domain/separated-csv.js';
import { describeBrowser } from '../../domain/user-agent.js';
import { EXPORTED_EVENT_COLUMNS } from '../../domain/event-columns.js';
import {
  exportActivityBatches,
  readExportedValue,
  type ExportedEventRow,
} from '../../store/activity-store.js';
import type { ServiceDeps } from '../context.js';
import type { ActivityFilters } from './activity.js';

/**
 * The activity log as CSV (docs/architecture.md "Activity log and export"), produced batch by batch as UTF-8 bytes:
 * memory stays constant whatever the log's size, and a slow reader slows the database reads
 * (the caller pulls chunks from the generator as its stream drains). Events that arrive during
 * the export are newer than its first batch and so are not in it: the file is one consistent cut.
 * A batch comes either as the database's separated bytes, converted in one pass
 * (domain/separated-csv.ts), or as rows formatted with csvRow; both give the same CSV.
 */
export const CSV_COLUMNS = EXPORTED_EVENT_COLUMNS.flatMap((column) =>
  column === 'user_agent' ? (['browser', column] as const) : [column],
);

/** Rows per keyset query: larger batches were no faster and took PostgreSQL's export past 200 MB of RSS. */
const BATCH_SIZE = 2000;
/** Distinct user agents remembered while exporting: parsing one costs far more than a CSV row. */
const BROWSER_CACHE_SIZE = 2000;

export interface ExportScope {
  readonly chainId: string;
  readonly userId?: string;
}

export async function* activityCsv(
  { store }: Pick<ServiceDeps, 'store'>,
  {
    scope,
    filters,
    batchSize = BATCH_SIZE,
  }: { readonly scope: ExportScope; readonly filters: ActivityFilters; readonly batchSize?: number },
): AsyncGenerator<Buffer> {
  // The export is every matching event: the page size and cursor of a page query do not apply.
  const { types, outcome, fromAt, toAt } = filters;
  const query = {
    ...scope,
    ...(types ? { types } : {}),
    ...(outcome ? { outcome } : {}),
    ...(fromAt === undefined ? {} : { fromAt }),
    ...(toAt === undefined ? {} : { toAt }),
  };
  yield Buffer.from(csvRow(CSV_COLUMNS));
  const browsers = boundedCache<string, string>(BROWSER_CACHE_SIZE);
  const browserOf = (userAgent: string): string => browsers(userAgent, () => describeBrowser(userAgent));
  const browserCells = boundedCache<string, Buffer>(BROWSER_CACHE_SIZE);
  const browserCell = (userAgent: string): Buffer =>
    browserCells(userAgent, () => Buffer.from(csvCell(browserOf(userAgent))));
  const rowsCsv = (rows: readonly ExportedEventRow[]): Buffer => {
    let chunk = '';
    for (const row of rows) chunk += csvLine(row, browserOf(readExportedValue(row, 'user_agent')));
    return Buffer.from(chunk);
  };
  for await (const batch of exportActivityBatches(store, query, batchSize)) {
    if (batch.kind === 'rows') yield rowsCsv(batch.rows);
    else yield csvFromSeparated(batch.bytes, batch.count, browserCell) ?? rowsCsv(await batch.readRows());
  }
}

/** One event as a CSV line; details are written as stored (the JSON text the chain hashed). */
function csvLine(row: ExportedEventRow, browser: string): string {
  return csvRow(
    CSV_COLUMNS.map((column) =>
      column === 'browser'
        ? browser
        : column === 'at'
          ? new Date(readExportedValue(row, 'at')).toISOString()
          : readExportedValue(row, column),
    ),
  );
}
