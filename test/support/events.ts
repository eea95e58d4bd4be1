import type { AuditEvent } from '../../src/domain/audit-event.js';
import { listUserEvents } from '../../src/store/audit-store.js';
import type { Store } from '../../src/store/database.js';

/** The newest events about a user (actor or target), newest first. */
export function eventsOf(store: Store, userId: string, limit = 50): Promise<AuditEvent[]> {
  return listUserEvents(store.db, userId, limit);
}

/** Row counts of every table, to show that a refused request wrote nothing. */
export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const tables = ['practices', 'users', 'sessions', 'audit_events'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
