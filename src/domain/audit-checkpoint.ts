import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ChainBreak, ChainPosition } from './audit-chain-check.js';
import { secretKeyId, type SecretKeys } from './secret-box.js';

/**
 * Checkpoints of the activity log (docs/requirements.md L6): what a database writer cannot forge.
 *
 * The hash chain (audit-chain-check.ts) detects an edited or missing event, but its head lives in
 * the same database: whoever can write there can delete the newest events and move the head back,
 * keep only the first 100, or delete a practice's events with its head, and the chain still
 * verifies. A checkpoint records a chain's head, (chain id, seq, hash, time), with an HMAC-SHA256
 * under a key that is not in the database: HKDF-SHA256 of the server's secret key
 * (GATEHOUSE_SECRET_KEY or DATA_DIR/secret.key) with the label below, so the raw key never signs
 * anything and a checkpoint MAC reveals nothing usable against the secrets it encrypts.
 *
 * - Written: by each server every AUDIT_CHECKPOINT_INTERVAL_MS (and at start) for every chain
 *   whose head moved, into audit_checkpoints (one row per chain, the newest) and into the server
 *   log at info; by `gatehouse audit checkpoint`, which prints them for keeping elsewhere.
 * - Checked (`gatehouse audit verify`, GET /api/activity/integrity): each MAC, then that the
 *   chain still holds that seq with that hash. A chain cut below its checkpoint, rewritten
 *   below it, or deleted is a failure; so is a forged or altered checkpoint.
 * - Not detected: events newer than the newest checkpoint the verifier sees, deleted by a writer
 *   who also moves the head back; a whole-database rollback with its own checkpoint row (both
 *   need a newer checkpoint kept outside: the log line, `--checkpoints FILE`); the key's holder.
 *
 * Key rotation: `key` names the key that signed (a fingerprint of the derived key, as in
 * secret-box.ts); GATEHOUSE_PREVIOUS_SECRET_KEY's derived key still verifies, and the server
 * re-signs each chain's checkpoint under the current key at its next pass.
 */
export const AUDIT_CHECKPOINT_INTERVAL_MS = 5 * 60_000;

const KEY_LABEL = 'gatehouse audit checkpoint v1';
const KEY_BYTES = 32;
const HEX_64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{12}$/;

/** A chain's head at a moment: what a checkpoint vouches for. */
export interface CheckpointPosition {
  readonly chainId: string;
  readonly seq: number;
  readonly hash: string;
  /** When it was signed, ms since the epoch. */
  readonly at: number;
}

export interface AuditCheckpoint extends CheckpointPosition {
  /** Fingerprint of the derived key that signed it. */
  readonly key: string;
  /** Hex HMAC-SHA256 of the position under that key. */
  readonly mac: string;
}

/** Derived checkpoint keys: the current one signs, every one verifies. */
export type CheckpointKeys = readonly [current: Buffer, ...previous: Buffer[]];

export function checkpointKeysOf(secretKeys: SecretKeys): CheckpointKeys {
  const [current, ...previous] = secretKeys.map((key) =>
    Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), KEY_LABEL, KEY_BYTES)),
  ) as [Buffer, ...Buffer[]];
  return [current, ...previous];
}

export function signCheckpoint(keys: CheckpointKeys, position: CheckpointPosition): AuditCheckpoint {
  const [current] = keys;
  return { ...position, key: secretKeyId(current), mac: macOf(current, position) };
}

/** The message of a checkpoint's server log line, whose `auditCheckpoint` field is the checkpoint. */
export const CHECKPOINT_LOG_MESSAGE = 'audit checkpoint';

/**
 * The checkpoint on one line of a file `audit verify --checkpoints` reads: a line printed by
 * `gatehouse audit checkpoint`, or the server's log line. Null for any other line (a log holds
 * many); 'damaged' for a line that claims to be a checkpoint but does not read as one.
 */
export function checkpointOfLine(line: string): AuditCheckpoint | null | 'damaged' {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record.msg === CHECKPOINT_LOG_MESSAGE || 'auditCheckpoint' in record)
    return parseCheckpoint(record.auditCheckpoint) ?? 'damaged';
  if ('mac' in record) return parseCheckpoint(record) ?? 'damaged';
  return null;
}

/** Checks a checkpoint's MAC; returns the break when no key of ours signed it as it reads. */
export function checkCheckpointSignature(
  keys: CheckpointKeys,
  checkpoint: AuditCheckpoint,
): ChainBreak | undefined {
  const key = keys.find((candidate) => secretKeyId(candidate) === checkpoint.key);
  const signed = `checkpoint of event ${checkpoint.seq} signed ${new Date(checkpoint.at).toISOString()}`;
  if (!key) {
    return {
      problem: 'checkpoint_unknown_key',
      seq: checkpoint.seq,
      eventId: null,
      message: `The ${signed} names key ${checkpoint.key}, which this server does not have: set the key it was signed with as GATEHOUSE_PREVIOUS_SECRET_KEY to check it.`,
    };
  }
  const expected = Buffer.from(macOf(key, checkpoint), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(checkpoint.mac, 'hex'))) {
    return {
      problem: 'checkpoint_forged',
      seq: checkpoint.seq,
      eventId: null,
      message: `The ${signed} is forged or was altered: its signature does not match.`,
    };
  }
  return undefined;
}

/**
 * Checks that an intact chain, ending at `last`, still holds a checkpoint's event: `hashAt` is
 * the hash the walk found at the checkpoint's seq (undefined beyond the end).
 */
export function checkCheckpointReached(
  last: ChainPosition,
  hashAt: string | undefined,
  checkpoint: AuditCheckpoint,
): ChainBreak | undefined {
  const signed = `signed ${new Date(checkpoint.at).toISOString()}`;
  if (checkpoint.seq > last.seq) {
    return {
      problem: 'truncated',
      seq: last.seq + 1,
      eventId: null,
      message: `The log ends at event ${last.seq}, but a checkpoint ${signed} recorded event ${checkpoint.seq}: events ${last.seq + 1} to ${checkpoint.seq} were removed.`,
    };
  }
  if (hashAt !== checkpoint.hash) {
    return {
      problem: 'checkpoint_mismatch',
      seq: checkpoint.seq,
      eventId: null,
      message: `Event ${checkpoint.seq} is not the one a checkpoint ${signed} recorded: the log was rewritten up to it.`,
    };
  }
  return undefined;
}

function macOf(key: Buffer, position: CheckpointPosition): string {
  const text = JSON.stringify([position.chainId, position.seq, position.hash, position.at]);
  return createHmac('sha256', key).update(text).digest('hex');
}

/** A checkpoint read from a file or a log line, or undefined when the value is not one. */
function parseCheckpoint(value: unknown): AuditCheckpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { chainId, seq, hash, at, key, mac } = value as Record<string, unknown>;
  const valid =
    typeof chainId === 'string' &&
    chainId.length > 0 &&
    Number.isSafeInteger(seq) &&
    (seq as number) >= 1 &&
    typeof hash === 'string' &&
    HEX_64.test(hash) &&
    Number.isSafeInteger(at) &&
    typeof key === 'string' &&
    KEY_ID.test(key) &&
    typeof mac === 'string' &&
    HEX_64.test(mac);
  return valid ? { chainId, seq: seq as number, hash, at: at as number, key, mac } : undefined;
}
