import type { AuditCheckpoint } from '../domain/audit-checkpoint.js';
import type { ChainPosition } from '../domain/audit-chain-check.js';
import type { Executor } from './handle.js';
import type { AuditCheckpointTable } from './schema.js';

/**
 * The audit_checkpoints table: each chain's newest signed checkpoint (domain/audit-checkpoint.ts).
 * Servers write here without coordinating; a checkpoint never replaces a newer one.
 */

/**
 * A chain head that has no checkpoint yet, one behind it, or one at it under an earlier key. A
 * head behind its checkpoint is never signed: that is the truncation verification reports.
 */
export interface UncheckpointedHead extends ChainPosition {
  readonly chainId: string;
}

export async function listUncheckpointedHeads(
  db: Executor,
  currentKeyId: string,
): Promise<UncheckpointedHead[]> {
  const rows = await db
    .selectFrom('audit_chains')
    .leftJoin('audit_checkpoints', 'audit_checkpoints.chain_id', 'audit_chains.chain_id')
    .select(['audit_chains.chain_id', 'audit_chains.last_seq', 'audit_chains.last_hash'])
    .where((eb) =>
      eb.or([
        eb('audit_checkpoints.chain_id', 'is', null),
        eb('audit_checkpoints.seq', '<', eb.ref('audit_chains.last_seq')),
        eb.and([
          eb('audit_checkpoints.seq', '=', eb.ref('audit_chains.last_seq')),
          eb('audit_checkpoints.key_id', '<>', currentKeyId),
        ]),
      ]),
    )
    .orderBy('audit_chains.chain_id')
    .execute();
  return rows.map((row) => ({ chainId: row.chain_id, seq: Number(row.last_seq), hash: row.last_hash }));
}

/** Keeps the checkpoint unless the chain's stored one is newer (another instance got there first). */
export async function saveCheckpoint(db: Executor, checkpoint: AuditCheckpoint): Promise<void> {
  const row = rowOf(checkpoint);
  await db
    .insertInto('audit_checkpoints')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('chain_id')
        .doUpdateSet({ seq: row.seq, hash: row.hash, at: row.at, key_id: row.key_id, mac: row.mac })
        .where('audit_checkpoints.seq', '<=', row.seq),
    )
    .execute();
}

export async function listCheckpoints(db: Executor): Promise<AuditCheckpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('chain_id').execute();
  return rows.map(fromRow);
}

export async function findCheckpoint(db: Executor, chainId: string): Promise<AuditCheckpoint | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  return row && fromRow(row);
}

/**
 * Every chain the database says should exist: each practice's (a practice whose chain was deleted
 * is still listed), each chain with a head, and each chain with a checkpoint.
 */
export async function listChainIdsToVerify(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('practices')
    .select('id as chain_id')
    .union(db.selectFrom('audit_chains').select('chain_id'))
    .union(db.selectFrom('audit_checkpoints').select('chain_id'))
    .orderBy('chain_id')
    .execute();
  return rows.map((row) => row.chain_id);
}

function rowOf(checkpoint: AuditCheckpoint): AuditCheckpointTable {
  return {
    chain_id: checkpoint.chainId,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    at: checkpoint.at,
    key_id: checkpoint.key,
    mac: checkpoint.mac,
  };
}

function fromRow(row: AuditCheckpointTable): AuditCheckpoint {
  return {
    chainId: row.chain_id,
    seq: Number(row.seq),
    hash: row.hash,
    at: Number(row.at),
    key: row.key_id,
    mac: row.mac,
  };
}
