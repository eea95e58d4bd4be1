import { boxPrefix, type SecretKeys } from '../../domain/secret-box.js';
import type { ServiceDeps } from '../context.js';
import {
  countTotpBoxes,
  listTotpBoxesNotStartingWith,
  replaceTotpBox,
} from '../../store/two-factor-store.js';
import { openTotpSecret, sealTotpSecret } from '../two-factor/totp-secret.js';

/**
 * Re-encrypts every secret at rest under the current key (`gatehouse keys rotate`). TOTP
 * secrets are the only ones: recovery codes, remembered browsers, sessions and reset tokens
 * are stored as hashes, passkeys as public keys.
 *
 * Online: servers keep running, since they open boxes of the current and the previous key
 * alike. Each batch's writes are one transaction, and a box is replaced only if it is still
 * the one read, so a user enrolling meanwhile is never overwritten. Boxes already sealed with the
 * current key are skipped in SQL, so a second run (or one resumed after a crash) reads only
 * what is left. Boxes that no configured key opens are left as they are and counted.
 *
 * Not an activity-log event: the log is per practice and records what people did to accounts;
 * a rotation changes no account's security (same secret, same codes) and belongs to no
 * practice. The command's printed counts are the operator's record.
 */
export const DEFAULT_ROTATION_BATCH = 500;

export interface RotationReport {
  /** Boxes sealed anew with the current key by this run. */
  readonly reencrypted: number;
  /** Boxes no configured key opens (by user id; ids are not secrets). */
  readonly unreadableUserIds: readonly string[];
  /** Boxes sealed with the current key once the run was over. */
  readonly current: number;
  /** Boxes still not sealed with the current key afterwards (unreadable ones, or written meanwhile with an old key). */
  readonly remaining: number;
}

export async function rotateTotpSecrets(
  { store }: Pick<ServiceDeps, 'store'>,
  {
    keys,
    ...options
  }: {
    readonly keys: SecretKeys;
    readonly batchSize?: number;
    readonly onBatch?: (reencrypted: number) => void;
  },
): Promise<RotationReport> {
  const prefix = boxPrefix(keys[0]);
  const batchSize = options.batchSize ?? DEFAULT_ROTATION_BATCH;
  let reencrypted = 0;
  const unreadableUserIds: string[] = [];
  let cursor = '';
  for (;;) {
    const boxes = await listTotpBoxesNotStartingWith(store.db, prefix, cursor, batchSize);
    const resealed: { userId: string; from: string; to: string }[] = [];
    for (const { userId, secretBox } of boxes) {
      const secret = openTotpSecret(keys, userId, secretBox);
      if (secret === undefined) unreadableUserIds.push(userId);
      else resealed.push({ userId, from: secretBox, to: sealTotpSecret(keys, userId, secret) });
    }
    // Only writes inside the transaction, each conditional on the box read: SQLite then takes
    // its write lock at the first statement and waits its turn behind the servers' writes,
    // where a read-then-write transaction would fail outright once a server had written.
    reencrypted += await store.transaction(async (trx) => {
      let done = 0;
      for (const { userId, from, to } of resealed) if (await replaceTotpBox(trx, userId, from, to)) done++;
      return done;
    });
    options.onBatch?.(reencrypted);
    const last = boxes.at(-1);
    if (!last || boxes.length < batchSize) break;
    cursor = last.userId;
  }
  const counts = await countTotpBoxes(store.db, prefix);
  return { reencrypted, unreadableUserIds, current: counts.with, remaining: counts.without };
}
