import { eventHash, GENESIS_HASH, type AuditEvent } from './audit-event.js';

/**
 * Tamper evidence for one practice's activity log (docs/requirements.md L4).
 *
 * Walking the chain in seq order, each event must
 *   1. carry seq = previous seq + 1 (the first is 1): a deleted event leaves a gap;
 *   2. carry prev_hash = the previous event's hash (the first: 64 zeros);
 *   3. carry hash = SHA-256 of its own canonical content: an edited field changes it.
 * After the last event, the chain head (last seq and hash kept beside the chain) must
 * name that event: deleting the newest events is detected there.
 *
 * An attacker with write access to the database who rewrites every later event and the
 * head can forge a consistent chain; the chain detects edits, it does not prevent them.
 * Signed checkpoints (audit-checkpoint.ts) catch that below the newest one, and a practice
 * whose chain is gone altogether (no_chain).
 */
export const CHAIN_PROBLEMS = [
  'missing_event',
  'content_changed',
  'broken_link',
  'unreadable',
  'head_mismatch',
  'no_chain',
  'truncated',
  'checkpoint_mismatch',
  'checkpoint_forged',
  'checkpoint_unknown_key',
] as const;

export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];

export interface ChainBreak {
  readonly problem: ChainProblem;
  /** The seq at which the chain breaks (for a missing event: the first seq not found). */
  readonly seq: number;
  /** The stored event found at or after the break, when there is one. */
  readonly eventId: string | null;
  readonly message: string;
}

/** Where the walk has got to: the last good event's seq and hash. */
export interface ChainPosition {
  readonly seq: number;
  readonly hash: string;
}

export const CHAIN_START: ChainPosition = { seq: 0, hash: GENESIS_HASH };

/** Checks the next stored event against the position before it; returns the break, if any. */
export function checkNextEvent(previous: ChainPosition, event: AuditEvent): ChainBreak | undefined {
  const expectedSeq = previous.seq + 1;
  if (event.seq !== expectedSeq) {
    return {
      problem: 'missing_event',
      seq: expectedSeq,
      eventId: event.id,
      message: `Event number ${expectedSeq} is missing: the log jumps from ${previous.seq} to ${event.seq} (next event ${event.id}).`,
    };
  }
  if (event.prevHash !== previous.hash) {
    return {
      problem: 'broken_link',
      seq: event.seq,
      eventId: event.id,
      message: `Event ${event.id} (number ${event.seq}) does not link to the event before it: an earlier event was changed or replaced.`,
    };
  }
  const { hash, ...unsigned } = event;
  if (eventHash(unsigned) !== hash) {
    return {
      problem: 'content_changed',
      seq: event.seq,
      eventId: event.id,
      message: `Event ${event.id} (number ${event.seq}) was changed after it was recorded.`,
    };
  }
  return undefined;
}

/** Checks that the chain head names the last event walked. */
export function checkChainHead(last: ChainPosition, head: ChainPosition | undefined): ChainBreak | undefined {
  const headSeq = head?.seq ?? 0;
  if (headSeq === last.seq && (head?.hash ?? last.hash) === last.hash) return undefined;
  if (headSeq > last.seq) {
    return {
      problem: 'missing_event',
      seq: last.seq + 1,
      eventId: null,
      message: `Events ${last.seq + 1} to ${headSeq} are missing from the end of the log.`,
    };
  }
  return {
    problem: 'head_mismatch',
    seq: last.seq,
    eventId: null,
    message: `The log's recorded end (event ${headSeq}) does not match its last event (${last.seq}).`,
  };
}

/** The break of a chain that should exist (a practice's, or one a checkpoint names) but has no event and no head. */
export function missingChain(): ChainBreak {
  return {
    problem: 'no_chain',
    seq: 1,
    eventId: null,
    message: 'The log has no events and no recorded end: it was deleted.',
  };
}
