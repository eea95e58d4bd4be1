import {
  CHAIN_START,
  checkChainHead,
  checkNextEvent,
  type ChainBreak,
  type ChainPosition,
} from '../domain/audit-chain-check.js';
import { findChainHead, readChainRows } from '../store/activity-store.js';
import { fromAuditRow } from '../store/audit-store.js';
import type { Executor } from '../store/database.js';

/**
 * Walks one practice's hash chain from its first event to its head, in batches (constant
 * memory), and reports the first break: an edited, missing or unlinked event. The rules are
 * in domain/audit-chain-check.ts. Read-only: nothing here, nor anywhere, edits events.
 */
export interface ChainReport {
  readonly chainId: string;
  /** Events checked before the walk ended (at the break, or all of them). */
  readonly checked: number;
  readonly broken: ChainBreak | null;
}

const BATCH_SIZE = 5000;

export async function verifyChain(db: Executor, chainId: string): Promise<ChainReport> {
  let position: ChainPosition = CHAIN_START;
  let checked = 0;
  for (;;) {
    const rows = await readChainRows(db, chainId, position.seq, BATCH_SIZE);
    for (const row of rows) {
      let event;
      try {
        event = fromAuditRow(row);
      } catch {
        const seq = Number(row.seq);
        return {
          chainId,
          checked,
          broken: {
            problem: 'unreadable',
            seq,
            eventId: row.id,
            message: `Event ${row.id} (number ${seq}) cannot be read: its stored details were changed.`,
          },
        };
      }
      const broken = checkNextEvent(position, event);
      if (broken) return { chainId, checked, broken };
      position = { seq: event.seq, hash: event.hash };
      checked++;
    }
    if (rows.length < BATCH_SIZE) break;
  }
  const broken = checkChainHead(position, await findChainHead(db, chainId));
  return { chainId, checked, broken: broken ?? null };
}
