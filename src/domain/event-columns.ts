/**
 * An audit event's columns as the activity export writes them, in the export's order: every
 * stored column but the chain's bookkeeping (chain_id, practice_id, seq, prev_hash, hash).
 * Declared once here: the CSV header (services/activity/activity-export.ts) adds the browser before the
 * user agent, the database-joined fast path (separated-csv.ts) joins exactly these, the store
 * reads them (store/activity-store.ts, which checks each name against its schema) and writes
 * them with the chain's own columns (store/audit-store.ts).
 */
export const EXPORTED_EVENT_COLUMNS = [
  'id',
  'at',
  'type',
  'outcome',
  'actor_id',
  'actor_username',
  'target_id',
  'target_username',
  'ip',
  'user_agent',
  'details',
] as const;

export type ExportedEventColumn = (typeof EXPORTED_EVENT_COLUMNS)[number];

/**
 * The columns the export writes after the stored ones, for a person reading it in a spreadsheet:
 * the time in the practice's zone with the zone shown, the event's name and its details in
 * plain words, as the activity log shows them (domain/event-labels.ts).
 */
export const READABLE_EVENT_COLUMNS = ['local_time', 'event', 'description'] as const;
