import type { Kysely, Transaction } from 'kysely';
import type { NewAuditEvent } from '../domain/audit-event.js';
import type { Database } from './schema.js';

/**
 * A store transaction's audit events: recorded during the transaction, written into their
 * chains by its last statements, announced once it has committed.
 *
 * appendAuditEvent queues each event on its transaction; when the transaction's work is done,
 * the store's transaction() hands the queue to the chain writer (audit-store.ts, whose header
 * says why the chain is written last) and then commits. Listeners (the metrics) hear the events
 * only after COMMIT, in the order they were appended, so a rolled-back change counts nothing
 * and a counted event is one the activity log holds. They hear them as recorded: on PostgreSQL
 * an event's chain position is given inside COMMIT, where the client does not see it. An event
 * has no place outside a write's transaction: appending one anywhere but inside
 * store.transaction() throws.
 */
export type CommittedEventsListener = (events: readonly NewAuditEvent[]) => void;

/** Writes a transaction's queued events for their chains, as its last statements before COMMIT. */
export type ChainWriter = (trx: Transaction<Database>, events: readonly NewAuditEvent[]) => Promise<void>;

const queuedByTransaction = new WeakMap<Transaction<Database>, NewAuditEvent[]>();

/** The events queued on a store transaction, to which an event is appended; throws for anything else. */
export function queuedEventsOf(trx: Kysely<Database> | Transaction<Database>): NewAuditEvent[] {
  const queued = trx.isTransaction ? queuedByTransaction.get(trx as Transaction<Database>) : undefined;
  if (!queued) throw new Error('audit events are recorded only inside store.transaction(), before its end');
  return queued;
}

export interface CommittedEventFeed {
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: CommittedEventsListener): () => void;
  /** Runs fn in one transaction of db, writes its audit events last, commits, then announces them. */
  transaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

export function createCommittedEventFeed(writeChains: ChainWriter): CommittedEventFeed {
  const listeners = new Set<CommittedEventsListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async transaction(db, fn) {
      let committed: readonly NewAuditEvent[] = [];
      const result = await db.transaction().execute(async (trx) => {
        const queued: NewAuditEvent[] = [];
        queuedByTransaction.set(trx, queued);
        const value = await fn(trx);
        // Closed before writing: an event appended later would be lost, so it throws instead.
        queuedByTransaction.delete(trx);
        if (queued.length > 0) await writeChains(trx, queued);
        committed = queued;
        return value;
      });
      if (committed.length > 0) {
        for (const listener of listeners) {
          try {
            listener(committed);
          } catch {
            // The change is committed and its answer decided; a listener's bug must not turn it into a 500.
          }
        }
      }
      return result;
    },
  };
}
