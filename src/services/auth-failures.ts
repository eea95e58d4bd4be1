import type { Executor } from '../store/database.js';
import { recordFailedPassword } from '../store/user-store.js';
import type { User } from '../store/user-store.js';

/**
 * The per-account failure counter (T1, T3): wrong passwords, TOTP codes and recovery codes
 * all count here, in the database, so the count holds across IPs and server instances.
 * A successful sign-in clears it (recordSuccessfulLogin).
 */
export async function countAuthFailure(trx: Executor, user: User, at: number): Promise<void> {
  await recordFailedPassword(trx, user.id, at);
}
