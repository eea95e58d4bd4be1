import type { Kysely } from 'kysely';
import { writeAuditEvents } from '../audit-store.js';
import { createCommittedEventFeed } from '../committed-events.js';
import { registerDialect } from '../dialect.js';
import type { Dialect, Store } from '../handle.js';
import type { Database } from '../schema.js';

/**
 * What both engines share: the store's transactions, whose audit events are written last and
 * announced after commit (committed-events.ts), with the dialect of db and of each transaction
 * registered for dialectOf.
 */
export function transactionsOf(
  db: Kysely<Database>,
  dialect: Dialect,
): Pick<Store, 'transaction' | 'onAuditEventsCommitted'> {
  registerDialect(db, dialect);
  const feed = createCommittedEventFeed(writeAuditEvents);
  return {
    transaction: (fn) =>
      feed.transaction(db, (trx) => {
        registerDialect(trx, dialect);
        return fn(trx);
      }),
    onAuditEventsCommitted: feed.subscribe,
  };
}
