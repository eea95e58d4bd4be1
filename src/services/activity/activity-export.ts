import { boundedCache } from '../../domain/bounded-cache.js';
import { csvCell, csvRow } from '../../domain/csv-cell.js';
import { csvFromSeparated } from '../../domain/separated-csv.js';
import { describeBrowser } from '../../domain/user-agent.js';
import { EXPORTED_EVENT_COLUMNS, READABLE_EVENT_COLUMNS } from '../../domain/event-columns.js';
import { storedEventWords, zonedTime } from '../../domain/event-labels.js';
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
 * The stored columns come first, exact (UTC time, details as stored), then the same event
 * for a person: its time in the practice's zone, its name and its details in words.
 */
export const CSV_COLUMNS = [
  ...EXPORTED_EVENT_COLUMNS.flatMap((column) =>
    column === 'user_agent' ? (['browser', column] as const) : [column],
  ),
  ...READABLE_EVENT_COLUMNS,
];

/** Rows per keyset query: larger batches were no faster and took PostgreSQL's export past 200 MB of RSS. */
const BATCH_SIZE = 2000;
/** Distinct user agents (and event details) remembered while exporting: describing one costs far more than a CSV row. */
const BROWSER_CACHE_SIZE = 2000;
/** Offsets from UTC are whole minutes since 1972 (tz database), so one minute's events share their local time. */
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1972, 6, 1);

export interface ExportScope {
  readonly chainId: string;
  readonly userId?: string;
  /** The practice's time zone, for the readable columns. */
  readonly timeZone: string;
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
  const { types, outcome, fromAt, toAt, search } = filters;
  const { timeZone, ...which } = scope;
  const query = {
    ...which,
    ...(types ? { types } : {}),
    ...(search ? { search } : {}),
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
  const readable = readableCells(timeZone);
  const rowsCsv = (rows: readonly ExportedEventRow[]): Buffer => {
    let chunk = '';
    for (const row of rows) {
      const at = Number(readExportedValue(row, 'at'));
      const words = readable.words(readExportedValue(row, 'type'), readExportedValue(row, 'details'));
      chunk += csvLine(row, browserOf(readExportedValue(row, 'user_agent')), [readable.time(at), ...words]);
    }
    return Buffer.from(chunk);
  };
  const cells = { browser: browserCell, readable: readable.cells };
  for await (const batch of exportActivityBatches(store, query, batchSize)) {
    if (batch.kind === 'rows') yield rowsCsv(batch.rows);
    else yield csvFromSeparated(batch.bytes, batch.count, cells) ?? rowsCsv(await batch.readRows());
  }
}

/**
 * The readable columns' values, cached: a minute's local time (one Intl call per minute of
 * events, not per event) and the words of a type with its stored details (which repeat).
 */
function readableCells(timeZone: string) {
  const times = boundedCache<number, string>(BROWSER_CACHE_SIZE);
  const words = boundedCache<string, readonly [string, string]>(BROWSER_CACHE_SIZE);
  const wordCells = boundedCache<string, string>(BROWSER_CACHE_SIZE);
  const time = (at: number): string =>
    at >= WHOLE_MINUTE_OFFSETS_SINCE
      ? times(Math.floor(at / 60_000), () => zonedTime(at, timeZone))
      : zonedTime(at, timeZone);
  const wordsOf = (type: string, details: string): readonly [string, string] =>
    words(`${type}\x1f${details}`, () => {
      const { name, description } = storedEventWords(type, details, timeZone);
      return [name, description];
    });
  return {
    time,
    words: wordsOf,
    /** `,"<local time>","<name>","<description>"`: the fast path's closing cells. */
    cells: (at: number, type: string, details: string): Buffer => {
      const wordsCell = wordCells(`${type}\x1f${details}`, () =>
        wordsOf(type, details)
          .map((value) => `,${csvCell(value)}`)
          .join(''),
      );
      return Buffer.from(`,${csvCell(time(at))}${wordsCell}`);
    },
  };
}

/** One event as a CSV line; details are written as stored (the JSON text the chain hashed), then in words. */
function csvLine(row: ExportedEventRow, browser: string, readable: readonly string[]): string {
  return csvRow([
    ...EXPORTED_EVENT_COLUMNS.flatMap((column) =>
      column === 'user_agent'
        ? [browser, readExportedValue(row, column)]
        : column === 'at'
          ? [new Date(readExportedValue(row, 'at')).toISOString()]
          : [readExportedValue(row, column)],
    ),
    ...readable,
  ]);
}
