import { foldIdentifier } from '../domain/identifiers.js';
import { settingsFromStored, type SecuritySettings } from '../domain/security-settings.js';
import type { ColumnMap, FieldReader } from './column-map.js';
import type { Executor } from './handle.js';
import type { PracticeRow } from './schema.js';

export interface Practice {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly settings: SecuritySettings;
  readonly createdAt: number;
}

/** The folded code is for SQL's lookups only. */
export function practiceFromRow(row: Omit<PracticeRow, 'code_folded'>): Practice {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    settings: parsedSettings(row.id, row.settings),
    createdAt: row.created_at,
  };
}

/** A practice's columns by field, for reads that join it to other tables (practice-prefixed names). */
export const PRACTICE_FIELDS = {
  practiceRowId: 'practices.id',
  practiceCode: 'practices.code',
  practiceName: 'practices.name',
  practiceSettings: 'practices.settings',
  practiceCreatedAt: 'practices.created_at',
} as const satisfies ColumnMap<'practices'>;

export function practiceFrom(read: FieldReader<typeof PRACTICE_FIELDS>): Practice {
  return practiceFromRow({
    id: read('practiceRowId'),
    code: read('practiceCode'),
    name: read('practiceName'),
    settings: read('practiceSettings'),
    created_at: read('practiceCreatedAt'),
  });
}

/**
 * Each practice's settings document, parsed once per text: every authenticated request reads
 * its practice's row, and the text is still read from the database each time (a change is
 * seen by the next request); only the parse of an unchanged text is reused. Keyed by practice
 * (a short key) and checked against the text just read. Settings are read-only.
 */
const lastSettings = new Map<string, { readonly text: string; readonly settings: SecuritySettings }>();
const MAX_PRACTICES_KEPT = 1000;

function parsedSettings(practiceId: string, text: string): SecuritySettings {
  const last = lastSettings.get(practiceId);
  if (last?.text === text) return last.settings;
  if (lastSettings.size >= MAX_PRACTICES_KEPT) lastSettings.clear();
  const settings = settingsFromStored(JSON.parse(text));
  lastSettings.set(practiceId, { text, settings });
  return settings;
}

export async function findPracticeByCode(db: Executor, code: string): Promise<Practice | undefined> {
  const row = await db
    .selectFrom('practices')
    .selectAll()
    .where('code_folded', '=', foldIdentifier(code))
    .executeTakeFirst();
  return row && practiceFromRow(row);
}

export async function findPracticeById(db: Executor, id: string): Promise<Practice | undefined> {
  const row = await db.selectFrom('practices').selectAll().where('id', '=', id).executeTakeFirst();
  return row && practiceFromRow(row);
}

export async function countPractices(db: Executor): Promise<number> {
  const { count } = await db
    .selectFrom('practices')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function insertPractice(db: Executor, practice: Practice): Promise<void> {
  await db
    .insertInto('practices')
    .values({
      id: practice.id,
      code: practice.code,
      code_folded: foldIdentifier(practice.code),
      name: practice.name,
      settings: JSON.stringify(practice.settings),
      created_at: practice.createdAt,
    })
    .execute();
}

export async function updatePracticeSettings(
  db: Executor,
  practiceId: string,
  settings: SecuritySettings,
): Promise<void> {
  await db
    .updateTable('practices')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', practiceId)
    .execute();
}
