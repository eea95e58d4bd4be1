import { decodeCursor, parsePageSize, typesForFilter } from '../../domain/activity-filter.js';
import { MAX_SEARCH_WORDS, searchWords } from '../../domain/activity-search.js';
import { OUTCOMES, type Outcome } from '../../domain/audit-event.js';
import { parseDateBound } from '../../domain/date-bound.js';
import type { ActivityFilters } from './activity.js';

/** Activity-log filters as people type them (query string, CLI options): all text, all optional. */
export interface RawActivityQuery {
  readonly type?: string | undefined;
  readonly outcome?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit?: string | undefined;
  /** "hide" leaves out the log's own "Activity log viewed" events; "show" (the default) keeps them. */
  readonly views?: string | undefined;
  /** Search words, each to be found in the event (domain/activity-search.ts). */
  readonly q?: string | undefined;
  /** "show" counts the matching events of every page beside the page. */
  readonly totals?: string | undefined;
}

export type ActivityQueryResult =
  { readonly ok: true; readonly filters: ActivityFilters } | { readonly ok: false; readonly message: string };

/** Reads the filters; dates without a time are days in the practice's time zone. */
export function parseActivityQuery(raw: RawActivityQuery, timeZone: string): ActivityQueryResult {
  const invalid = (field: string, expected: string): ActivityQueryResult => ({
    ok: false,
    message: `The field "${field}" must be ${expected}.`,
  });
  const limit = parsePageSize(raw.limit);
  if (limit === undefined) return invalid('limit', 'a whole number from 1 to 200');
  let filters: ActivityFilters = { limit };
  if (raw.outcome !== undefined) {
    const outcome = OUTCOMES.find((candidate): candidate is Outcome => candidate === raw.outcome);
    if (!outcome) return invalid('outcome', '"success" or "failure"');
    filters = { ...filters, outcome };
  }
  if (raw.type !== undefined) {
    const types = typesForFilter(raw.type);
    if (!types) return invalid('type', 'an event type or a group of them');
    filters = { ...filters, types };
  }
  if (raw.from !== undefined) {
    const fromAt = parseDateBound(raw.from, 'from', timeZone);
    if (fromAt === undefined) return invalid('from', 'a date (2026-11-28) or a date and time');
    filters = { ...filters, fromAt };
  }
  if (raw.to !== undefined) {
    const toAt = parseDateBound(raw.to, 'to', timeZone);
    if (toAt === undefined) return invalid('to', 'a date (2026-11-28) or a date and time');
    filters = { ...filters, toAt };
  }
  if (raw.views !== undefined) {
    if (raw.views !== 'hide' && raw.views !== 'show') return invalid('views', '"hide" or "show"');
    if (raw.views === 'hide') filters = { ...filters, hideViews: true };
  }
  if (raw.q !== undefined) {
    const search = searchWords(raw.q);
    if (search === undefined) return invalid('q', `at most ${MAX_SEARCH_WORDS} words`);
    if (search.length > 0) filters = { ...filters, search };
  }
  if (raw.totals !== undefined) {
    if (raw.totals !== 'hide' && raw.totals !== 'show') return invalid('totals', '"hide" or "show"');
    if (raw.totals === 'show') filters = { ...filters, totals: true };
  }
  if (raw.cursor !== undefined) {
    const before = decodeCursor(raw.cursor);
    if (before === undefined) return invalid('cursor', 'the nextCursor of a previous page');
    filters = { ...filters, before };
  }
  return { ok: true, filters };
}
