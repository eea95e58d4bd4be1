import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import * as foundation from './migrations/0001-foundation.js';
import * as mailOutbox from './migrations/0002-mail-outbox.js';
import * as passwords from './migrations/0003-passwords.js';
import * as activity from './migrations/0004-activity.js';
import * as protection from './migrations/0005-protection.js';
import * as twoFactor from './migrations/0006-two-factor.js';
import * as auditHead from './migrations/0007-audit-head.js';
import * as auditCheckpoints from './migrations/0011-audit-checkpoints.js';
import * as auditChainedAtCommit from './migrations/0012-audit-chained-at-commit.js';
import * as oidc from './migrations/0013-oidc.js';
import * as appLogouts from './migrations/0014-app-logouts.js';
import * as oidcPayloadAccount from './migrations/0015-oidc-payload-account.js';
import * as adminAlerts from './migrations/0017-admin-alerts.js';
import * as knownDevices from './migrations/0018-known-devices.js';
import type { Store } from './handle.js';

/** Every migration, in order. Names sort lexically; add new ones at the end. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-mail-outbox': mailOutbox,
  '0003-passwords': passwords,
  '0004-activity': activity,
  '0005-protection': protection,
  '0006-two-factor': twoFactor,
  '0007-audit-head': auditHead,
  '0011-audit-checkpoints': auditCheckpoints,
  '0012-audit-chained-at-commit': auditChainedAtCommit,
  '0013-oidc': oidc,
  '0014-app-logouts': appLogouts,
  '0015-oidc-payload-account': oidcPayloadAccount,
  '0017-admin-alerts': adminAlerts,
  '0018-known-devices': knownDevices,
};

/**
 * Brings the schema up to date; safe to run from several instances at once on PostgreSQL:
 * Kysely's migrator takes an advisory lock, so the others wait (without the request timeouts,
 * see Store.forMigrations) and then find nothing left to do.
 */
export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  const result = await store.forMigrations((db) =>
    new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } }).migrateToLatest(),
  );
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
