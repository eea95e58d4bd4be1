import { randomUUID } from 'node:crypto';
import type { Executor } from './handle.js';

export interface PendingAdminAlert {
  readonly kind: string;
  readonly summary: string;
  readonly at: number;
}

/** Keeps an alert for the practice's next daily digest, in the caller's transaction. */
export async function queueAlertForDigest(
  db: Executor,
  practiceId: string,
  alert: PendingAdminAlert,
): Promise<void> {
  await db
    .insertInto('admin_alerts')
    .values({
      id: randomUUID(),
      practice_id: practiceId,
      kind: alert.kind,
      summary: alert.summary,
      created_at: alert.at,
    })
    .execute();
}

/** The practices with alerts waiting for a digest. */
export async function practicesWithPendingAlerts(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('admin_alerts').select('practice_id').distinct().execute();
  return rows.map((row) => row.practice_id);
}

/**
 * Claims a practice's digest for one local date: true for the one caller whose row went in,
 * false for every other (on PostgreSQL a concurrent claim waits for the first to commit, then
 * finds its row).
 */
export async function claimDigestDay(
  db: Executor,
  claim: { readonly practiceId: string; readonly day: string; readonly at: number },
): Promise<boolean> {
  const inserted = await db
    .insertInto('admin_alert_digests')
    .values({ practice_id: claim.practiceId, day: claim.day, alerts: 0, created_at: claim.at })
    .onConflict((oc) => oc.columns(['practice_id', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Takes the practice's waiting alerts, oldest first (deleting them), and counts them on the day's digest row. */
export async function takePendingAlerts(
  db: Executor,
  practiceId: string,
  day: string,
): Promise<PendingAdminAlert[]> {
  const rows = await db
    .deleteFrom('admin_alerts')
    .where('practice_id', '=', practiceId)
    .returning(['id', 'kind', 'summary', 'created_at'])
    .execute();
  await db
    .updateTable('admin_alert_digests')
    .set({ alerts: rows.length })
    .where('practice_id', '=', practiceId)
    .where('day', '=', day)
    .execute();
  return rows
    .map((row) => ({ id: row.id, kind: row.kind, summary: row.summary, at: Number(row.created_at) }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map(({ kind, summary, at }) => ({ kind, summary, at }));
}
