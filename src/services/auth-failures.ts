import { isLocked, lockDurationMs } from '../domain/account-lock.js';
import type { Executor } from '../store/database.js';
import { findPracticeById } from '../store/practice-store.js';
import { deleteUserPendingSessions } from '../store/session-store.js';
import { lockAccount, recordFailedPassword } from '../store/user-store.js';
import type { User } from '../store/user-store.js';
import { audit } from './audit.js';
import type { RequestOrigin } from './context.js';
import { notifyUser } from './notify.js';

/**
 * The per-account failure counter (T1, T3): wrong passwords, TOTP codes and recovery codes
 * all count here, in the database, so the count holds across IPs and server instances.
 * At the practice's threshold the account locks (durations: domain/account-lock.ts): the
 * user's sign-ins in progress end, `account.locked` is recorded and the user gets an email.
 * A locked account counts nothing more. A completed sign-in clears the count
 * (recordSuccessfulLogin).
 *
 * Call it inside the transaction that records the failure event.
 */
export type AuthFailureOutcome = 'counted' | 'locked' | 'already_locked';

export async function countAuthFailure(
  trx: Executor,
  user: User,
  at: number,
  /** The request that failed: the lock event and email name its IP and browser (L1, L2). */
  origin: RequestOrigin,
): Promise<AuthFailureOutcome> {
  if (isLocked(user, at)) return 'already_locked';
  const counted = await recordFailedPassword(trx, user.id, at);
  if (!counted) return 'already_locked';
  const practice = await findPracticeById(trx, user.practiceId);
  if (!practice || counted.failedAttempts < practice.settings.lockout.threshold) return 'counted';

  const lockNumber = counted.lockCount + 1;
  const durationMs = lockDurationMs(practice.settings.lockout.minutes, lockNumber);
  const until = at + durationMs;
  await lockAccount(trx, user.id, { until, at });
  const pendingEnded = await deleteUserPendingSessions(trx, user.id);
  await audit(trx, {
    practiceId: practice.id,
    type: 'account.locked',
    outcome: 'success',
    actor: null,
    target: user,
    origin,
    at,
    details: {
      failures: counted.failedAttempts,
      lockNumber,
      minutes: Math.round(durationMs / 60_000),
      until: new Date(until).toISOString(),
      pendingSignInsEnded: pendingEnded,
    },
  });
  await notifyUser(
    trx,
    { user, practice, origin, at },
    {
      subject: 'Your account was locked',
      paragraphs: [
        `Your ${practice.name} account was locked after ${counted.failedAttempts} failed sign-in attempts in a row. ` +
          `It unlocks by itself in ${Math.round(durationMs / 60_000)} minutes, or your Practice Administrator can unlock it now.`,
        'If you forgot your password, use "Forgot password?" on the sign-in page to reset it; that works while the account is locked.',
      ],
    },
  );
  return 'locked';
}
