import { sql, type RawBuilder } from 'kysely';
import type { Executor } from './handle.js';
import { dialectOf } from './dialect.js';

/** The tables the scheduled purge keeps from growing without bound (services/operations/expired-rows-purge.ts). */
export const PURGED_TABLES = [
  'sessions',
  'rate_limits',
  'password_reset_tokens',
  'mail_outbox',
  'remembered_browsers',
  'webauthn_challenges',
  'oidc_payloads',
  'known_devices',
  'admin_alert_digests',
] as const;

export type PurgedTable = (typeof PURGED_TABLES)[number];

/** Rows deleted per statement, so a backlog never makes one long statement or lock. */
export const PURGE_BATCH = 1000;

/** What counts as over, in milliseconds since the epoch. */
export interface PurgeCutoffs {
  readonly now: number;
  /** Sessions last used before this are idle past any practice's timeout. */
  readonly sessionsIdleBefore: number;
  /** Sessions begun before this are past any practice's absolute timeout. */
  readonly sessionsCreatedBefore: number;
  /** Delivered emails sent before this are dropped from the outbox. */
  readonly mailSentBefore: number;
  /** Devices a user has not signed in from since this are forgotten (but a user's newest is kept). */
  readonly devicesSeenBefore: number;
  /** Daily digest claims made before this are dropped: a claim only matters on its own day. */
  readonly digestsClaimedBefore: number;
}

/** Per table: a column to pick a batch by, and which rows are over. */
const RULES: Record<
  PurgedTable,
  { readonly key: string; readonly over: (c: PurgeCutoffs) => RawBuilder<unknown> }
> = {
  sessions: {
    key: 'id',
    over: (c) => sql`last_seen_at < ${c.sessionsIdleBefore} or created_at < ${c.sessionsCreatedBefore}`,
  },
  rate_limits: { key: 'key', over: (c) => sql`expires_at <= ${c.now}` },
  password_reset_tokens: { key: 'id', over: (c) => sql`used_at is not null or expires_at <= ${c.now}` },
  mail_outbox: { key: 'id', over: (c) => sql`sent_at is not null and sent_at < ${c.mailSentBefore}` },
  remembered_browsers: { key: 'id', over: (c) => sql`expires_at <= ${c.now}` },
  // Keyed by (user, purpose): the batch picks users, the outer condition the expired rows.
  webauthn_challenges: { key: 'user_id', over: (c) => sql`expires_at <= ${c.now}` },
  // The provider's codes, tokens, sessions and interactions (store/oidc-payload-store.ts); ids
  // are unique random strings across its models, and the outer condition keeps the rest.
  oidc_payloads: { key: 'id', over: (c) => sql`expires_at <= ${c.now}` },
  // Keyed by (user, device): the batch picks users. Each user's most recent device stays however
  // old, so "has this user any device" (store/known-device-store.ts firstDevice, which signs a
  // new account in quietly) stays true and a dormant account's next new device is still emailed.
  known_devices: {
    key: 'user_id',
    over: (c) => sql`last_seen_at < ${c.devicesSeenBefore} and exists (
      select 1 from known_devices newer where newer.user_id = known_devices.user_id
        and (newer.last_seen_at > known_devices.last_seen_at
          or (newer.last_seen_at = known_devices.last_seen_at and newer.device_hash > known_devices.device_hash)))`,
  },
  // Keyed by (practice, day): the batch picks practices, the outer condition the old days.
  admin_alert_digests: { key: 'practice_id', over: (c) => sql`created_at < ${c.digestsClaimedBefore}` },
};

/** Deletes up to PURGE_BATCH rows of the table that are over; returns how many it deleted. */
export async function deleteExpiredBatch(
  db: Executor,
  table: PurgedTable,
  cutoffs: PurgeCutoffs,
): Promise<number> {
  const { key, over } = RULES[table];
  const result = await sql`delete from ${sql.table(table)} where (${over(cutoffs)}) and ${sql.ref(key)} in (
    select ${sql.ref(key)} from ${sql.table(table)} where ${over(cutoffs)} limit ${PURGE_BATCH})`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** An arbitrary constant naming the purge's advisory lock on PostgreSQL. */
const PURGE_LOCK_KEY = 4_715_022_601;

/**
 * Takes the purge's lock for the rest of this transaction: on PostgreSQL an advisory lock, not
 * waited for (false when another instance holds it); SQLite has one writer at a time anyway.
 */
export async function takePurgeLock(trx: Executor): Promise<boolean> {
  if (dialectOf(trx) !== 'postgres') return true;
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(${sql.lit(PURGE_LOCK_KEY)}) as locked`.execute(trx);
  return rows[0]?.locked === true;
}
