import type { Kysely, Transaction } from 'kysely';
import type { AuditEvent } from '../domain/audit-event.js';
import type { Database } from './schema.js';

/**
 * Audit events reach listeners (the metrics) only once their transaction has committed, so a
 * rolled-back change counts nothing and a counted event is one the activity log holds.
 * appendAuditEvent notes each event on its transaction; the store's transaction() hands the
 * transaction's events to every listener after COMMIT, in the order they were appended.
 * Events appended outside store.transaction() (none today) are not announced.
 */
export type CommittedEventsListener = (events: readonly AuditEvent[]) => void;

const pendingByTransaction = new WeakMap<Transaction<Database>, AuditEvent[]>();

/** Called by appendAuditEvent: the event is announced if and when `trx` commits. */
export function noteAppendedEvent(trx: Kysely<Database> | Transaction<Database>, event: AuditEvent): void {
  if (trx.isTransaction) pendingByTransaction.get(trx as Transaction<Database>)?.push(event);
}

export interface CommittedEventFeed {
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: CommittedEventsListener): () => void;
  /** Runs fn in one transaction of db, then announces the audit events it committed. */
  transaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

export function createCommittedEventFeed(): CommittedEventFeed {
  const listeners = new Set<CommittedEventsListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async transaction(db, fn) {
      const events: AuditEvent[] = [];
      const result = await db.transaction().execute((trx) => {
        pendingByTransaction.set(trx, events);
        return fn(trx);
      });
      if (events.length > 0) {
        for (const listener of listeners) {
          try {
            listener(events);
          } catch {
            // The change is committed and its answer decided; a listener's bug must not turn it into a 500.
          }
        }
      }
      return result;
    },
  };
}
