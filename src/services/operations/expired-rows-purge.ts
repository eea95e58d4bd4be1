import { SETTING_BOUNDS } from '../../domain/security-settings.js';
import {
  deleteExpiredBatch,
  PURGE_BATCH,
  PURGED_TABLES,
  takePurgeLock,
  type PurgeCutoffs,
  type PurgedTable,
} from '../../store/expired-rows-store.js';
import type { ServiceDeps } from '../context.js';
import { startRepeatingTask, type RepeatingTask } from './repeating-task.js';

/**
 * The scheduled purge: rows that no longer grant or record anything are deleted, so their
 * tables do not grow without bound. Each instance runs it at start and every PURGE_INTERVAL_MS.
 *
 * - sessions idle past the longest idle timeout any practice may set (24 h), or begun before
 *   the longest absolute timeout (7 days): expired under every practice's settings (a shorter
 *   practice limit ends a session at its next use, sessions.ts);
 * - rate-limit rows whose window is over; reset tokens used or expired; remembered browsers
 *   and WebAuthn challenges past their expiry;
 * - delivered emails MAIL_RETENTION_DAYS after delivery (their bodies went at delivery,
 *   mail-store.ts); undelivered ones stay for their retries;
 * - known devices (the new-device email, services/sign-in/new-device.ts) a user has not signed in
 *   from for KNOWN_DEVICE_RETENTION_DAYS: a sign-in from one later is emailed as new again,
 *   which is right after half a year. Each user's most recent device is kept however old, or a
 *   dormant account's next sign-in would count as its first device and pass without an email;
 * - daily digest claims (services/mail/admin-alerts.ts) DIGEST_CLAIM_RETENTION_DAYS after they
 *   were made: a claim only stops a second digest on its own local date.
 *
 * Each batch (at most PURGE_BATCH rows) is one short transaction. On PostgreSQL it holds an
 * advisory lock taken without waiting: instances sharing the database never delete the same
 * rows at once; one that finds the lock taken leaves this round to the other. The activity
 * log is never purged, and a purge is not an event in it: it changes no account.
 */
export const PURGE_INTERVAL_MS = 10 * 60_000;
export const MAIL_RETENTION_DAYS = 30;
export const KNOWN_DEVICE_RETENTION_DAYS = 180;
export const DIGEST_CLAIM_RETENTION_DAYS = 31;

const DAY_MS = 86_400_000;

export type PurgeReport = Readonly<Record<PurgedTable, number>>;

export function purgeCutoffs(now: number): PurgeCutoffs {
  return {
    now,
    sessionsIdleBefore: now - SETTING_BOUNDS.idleTimeoutMinutes[1] * 60_000,
    sessionsCreatedBefore: now - SETTING_BOUNDS.absoluteTimeoutHours[1] * 3_600_000,
    mailSentBefore: now - MAIL_RETENTION_DAYS * DAY_MS,
    devicesSeenBefore: now - KNOWN_DEVICE_RETENTION_DAYS * DAY_MS,
    digestsClaimedBefore: now - DIGEST_CLAIM_RETENTION_DAYS * DAY_MS,
  };
}

/** One pass over every purged table; returns how many rows it deleted from each. */
export async function purgeExpiredRows({
  store,
  clock,
}: Pick<ServiceDeps, 'store' | 'clock'>): Promise<PurgeReport> {
  const cutoffs = purgeCutoffs(clock.now());
  const report = Object.fromEntries(PURGED_TABLES.map((table) => [table, 0])) as Record<PurgedTable, number>;
  for (const table of PURGED_TABLES) {
    for (;;) {
      const deleted = await store.transaction(async (trx) =>
        (await takePurgeLock(trx)) ? deleteExpiredBatch(trx, table, cutoffs) : undefined,
      );
      // Another instance is purging right now: this round is its.
      if (deleted === undefined) return report;
      report[table] += deleted;
      if (deleted < PURGE_BATCH) break;
    }
  }
  return report;
}

export interface PurgeLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/**
 * Purges now and then every intervalMs until stopped (services/operations/repeating-task.ts): a database
 * outage only delays the purge to the next round.
 */
export function startExpiredRowsPurge(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  { logger, intervalMs = PURGE_INTERVAL_MS }: { readonly logger: PurgeLogger; readonly intervalMs?: number },
): RepeatingTask {
  return startRepeatingTask(
    async () => {
      const purged = await purgeExpiredRows(deps);
      if (Object.values(purged).some((count) => count > 0)) logger.info({ purged }, 'expired rows purged');
    },
    {
      intervalMs,
      immediately: true,
      onFailure: (error) => logger.warn({ error: (error as Error).message }, 'purge failed; will retry'),
    },
  );
}
