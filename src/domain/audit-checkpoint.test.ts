import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkCheckpointReached,
  checkCheckpointSignature,
  checkpointKeysOf,
  checkpointOfLine,
  signCheckpoint,
} from './audit-checkpoint.js';

const secret = randomBytes(32);
const keys = checkpointKeysOf([secret]);
const position = { chainId: 'p1', seq: 7, hash: 'a'.repeat(64), at: 1_700_000_000_000 };

describe('audit checkpoint', () => {
  it('signs with a key derived from the secret key, never the key itself, and verifies under it', () => {
    const checkpoint = signCheckpoint(keys, position);
    expect(keys[0].equals(secret)).toBe(false);
    expect(checkpoint).toMatchObject({ ...position, key: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(checkCheckpointSignature(keys, checkpoint)).toBeUndefined();
  });

  it('names a checkpoint with any field changed as forged', () => {
    const checkpoint = signCheckpoint(keys, position);
    for (const changed of [
      { ...checkpoint, seq: 6 },
      { ...checkpoint, hash: 'b'.repeat(64) },
      { ...checkpoint, at: checkpoint.at + 1 },
      { ...checkpoint, chainId: 'p2' },
    ])
      expect(checkCheckpointSignature(keys, changed)).toMatchObject({ problem: 'checkpoint_forged' });
  });

  it('verifies under the previous key after a rotation, and names a key it does not have', () => {
    const old = signCheckpoint(keys, position);
    const rotated = checkpointKeysOf([randomBytes(32), secret]);
    expect(checkCheckpointSignature(rotated, old)).toBeUndefined();
    expect(checkCheckpointSignature([rotated[0]], old)).toMatchObject({ problem: 'checkpoint_unknown_key' });
  });

  it('finds a log cut below its checkpoint, or rewritten up to it', () => {
    const checkpoint = signCheckpoint(keys, position);
    expect(
      checkCheckpointReached({ seq: 9, hash: 'c'.repeat(64) }, position.hash, checkpoint),
    ).toBeUndefined();
    expect(checkCheckpointReached({ seq: 5, hash: 'c'.repeat(64) }, undefined, checkpoint)).toMatchObject({
      problem: 'truncated',
      seq: 6,
      message: expect.stringContaining('events 6 to 7 were removed'),
    });
    expect(
      checkCheckpointReached({ seq: 9, hash: 'c'.repeat(64) }, 'd'.repeat(64), checkpoint),
    ).toMatchObject({
      problem: 'checkpoint_mismatch',
      seq: 7,
    });
  });

  it('reads checkpoints from printed lines and server log lines, skips other lines, and flags damaged ones', () => {
    const checkpoint = signCheckpoint(keys, position);
    expect(checkpointOfLine(JSON.stringify(checkpoint))).toEqual(checkpoint);
    const logLine = { level: 30, time: 1, msg: 'audit checkpoint', auditCheckpoint: checkpoint };
    expect(checkpointOfLine(JSON.stringify(logLine))).toEqual(checkpoint);
    expect(checkpointOfLine('{"level":30,"msg":"email delivered"}')).toBeNull();
    expect(checkpointOfLine('╭─ first run ─╮')).toBeNull();
    expect(checkpointOfLine(JSON.stringify({ ...checkpoint, seq: '7' }))).toBe('damaged');
    expect(
      checkpointOfLine(JSON.stringify({ ...logLine, auditCheckpoint: { ...checkpoint, mac: 'x' } })),
    ).toBe('damaged');
  });
});
