import {
  AUDIT_CHECKPOINT_INTERVAL_MS,
  CHECKPOINT_LOG_MESSAGE,
  signCheckpoint,
  type AuditCheckpoint,
  type CheckpointKeys,
} from '../../domain/audit-checkpoint.js';
import { secretKeyId } from '../../domain/secret-box.js';
import { listUncheckpointedHeads, saveCheckpoint } from '../../store/audit-checkpoint-store.js';
import type { ServiceDeps } from '../context.js';
import { startRepeatingTask, type RepeatingTask } from '../operations/repeating-task.js';

/**
 * Writes the activity log's signed checkpoints (domain/audit-checkpoint.ts): one for each chain
 * whose head moved since its last one (or that was signed under an earlier key), into the
 * database and into the server log, where an operator's log shipping keeps it out of reach of
 * whoever can write the database. Several instances may do this at once: each writes a true
 * checkpoint and the newest stays.
 */
export interface CheckpointLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export async function writeAuditCheckpoints(
  { store, clock }: Pick<ServiceDeps, 'store' | 'clock'>,
  { keys, logger }: { readonly keys: CheckpointKeys; readonly logger: CheckpointLogger },
): Promise<AuditCheckpoint[]> {
  const heads = await listUncheckpointedHeads(store.db, secretKeyId(keys[0]));
  const written: AuditCheckpoint[] = [];
  for (const head of heads) {
    const checkpoint = signCheckpoint(keys, { ...head, at: clock.now() });
    await saveCheckpoint(store.db, checkpoint);
    logger.info({ auditCheckpoint: checkpoint }, CHECKPOINT_LOG_MESSAGE);
    written.push(checkpoint);
  }
  return written;
}

/** Writes checkpoints now and then every interval until stopped; an outage only delays them. */
export function startAuditCheckpoints(
  deps: Pick<ServiceDeps, 'store' | 'clock'>,
  {
    intervalMs = AUDIT_CHECKPOINT_INTERVAL_MS,
    ...checkpoints
  }: { readonly keys: CheckpointKeys; readonly logger: CheckpointLogger; readonly intervalMs?: number },
): RepeatingTask {
  const { logger } = checkpoints;
  return startRepeatingTask(() => writeAuditCheckpoints(deps, checkpoints), {
    intervalMs,
    immediately: true,
    onFailure: (error) =>
      logger.warn({ error: (error as Error).message }, 'audit checkpoints not written; will retry'),
  });
}
