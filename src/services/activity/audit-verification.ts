import {
  CHAIN_START,
  checkChainHead,
  checkNextEvent,
  missingChain,
  type ChainBreak,
  type ChainPosition,
} from '../../domain/audit-chain-check.js';
import {
  checkCheckpointReached,
  checkCheckpointSignature,
  type AuditCheckpoint,
  type CheckpointKeys,
} from '../../domain/audit-checkpoint.js';
import { NO_PRACTICE_CHAIN } from '../../domain/audit-event.js';
import { findChainHead, readChainRows } from '../../store/activity-store.js';
import { findCheckpoint } from '../../store/audit-checkpoint-store.js';
import { fromAuditRow } from '../../store/audit-store.js';
import type { Executor } from '../../store/database.js';

/**
 * Walks one practice's hash chain from its first event to its head, in batches (constant
 * memory), and reports the first break: an edited, missing or unlinked event, a forged
 * checkpoint, a chain cut or rewritten below a checkpoint, or a chain that is gone. The rules
 * are in domain/audit-chain-check.ts and domain/audit-checkpoint.ts. Read-only: nothing here,
 * nor anywhere, edits events.
 */
export interface ChainReport {
  readonly chainId: string;
  /** Events checked before the walk ended (at the break, or all of them). */
  readonly checked: number;
  readonly broken: ChainBreak | null;
  /** The newest checkpoint the chain was checked against, when it had one. */
  readonly checkpoint: { readonly seq: number; readonly at: number } | null;
}

/** What the chain is checked against besides itself. */
export interface CheckpointEvidence {
  readonly keys: CheckpointKeys;
  /** Checkpoints kept outside the database (`audit verify --checkpoints FILE`), of any chains. */
  readonly external?: readonly AuditCheckpoint[];
}

const BATCH_SIZE = 5000;

export async function verifyChain(
  db: Executor,
  chainId: string,
  evidence: CheckpointEvidence,
): Promise<ChainReport> {
  const stored = await findCheckpoint(db, chainId);
  const checkpoints = [
    ...(stored ? [stored] : []),
    ...(evidence.external ?? []).filter((checkpoint) => checkpoint.chainId === chainId),
  ];
  const newest = checkpoints.reduce<AuditCheckpoint | undefined>(
    (found, checkpoint) => (found && found.seq >= checkpoint.seq ? found : checkpoint),
    undefined,
  );
  const report = (checked: number, broken: ChainBreak | undefined): ChainReport => ({
    chainId,
    checked,
    broken: broken ?? null,
    checkpoint: newest ? { seq: newest.seq, at: newest.at } : null,
  });
  for (const checkpoint of checkpoints) {
    const forged = checkCheckpointSignature(evidence.keys, checkpoint);
    if (forged) return report(0, forged);
  }

  const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.seq));
  const hashes = new Map<number, string>();
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
        return report(checked, {
          problem: 'unreadable',
          seq,
          eventId: row.id,
          message: `Event ${row.id} (number ${seq}) cannot be read: its stored details were changed.`,
        });
      }
      const broken = checkNextEvent(position, event);
      if (broken) return report(checked, broken);
      position = { seq: event.seq, hash: event.hash };
      if (wanted.has(event.seq)) hashes.set(event.seq, event.hash);
      checked++;
    }
    if (rows.length < BATCH_SIZE) break;
  }
  const head = await findChainHead(db, chainId);
  // Unknown-practice sign-ins may never have happened; every other chain starts with its practice.
  const mustExist = chainId !== NO_PRACTICE_CHAIN || checkpoints.length > 0;
  if (!head && checked === 0 && mustExist) return report(0, missingChain());
  const broken =
    checkChainHead(position, head) ??
    checkpoints
      .map((checkpoint) => checkCheckpointReached(position, hashes.get(checkpoint.seq), checkpoint))
      .find((found) => found !== undefined);
  return report(checked, broken);
}
