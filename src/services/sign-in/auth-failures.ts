import { attemptLimits, isLocked, lockDurationMs } from '../../domain/account-lock.js';
import type { Executor } from '../../store/database.js';
import type { Practice } from '../../store/practice-store.js';
import { deleteUserPendingSessions } from '../../store/session-store.js';
import { claimAttemptPlace, lockAccount, returnAttemptPlace } from '../../store/account-lock-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin } from '../context.js';
import { alertAdministrators, whoIs } from '../mail/admin-alerts.js';
import { zonedTime } from '../../domain/event-labels.js';
import { notifyUser } from '../mail/notify.js';

/**
 * The per-account failure count (T1, T3), count first (domain/account-lock.ts): every check of
 * a password, TOTP code, recovery code or passkey goes
 *
 *   claimAttempt ──no place──> refused unchecked (the caller answers as for a wrong secret)
 *        │ a place
 *        ├── wrong secret ──> countFailure: the place stays; at the threshold the account locks:
 *        │                    the user's sign-ins in progress end, `account.locked` is recorded
 *        │                    and the user gets an email
 *        └── right secret ──> returnAttempt: the place is given back; the answer says whether
 *                             the account is locked now, in which case nothing may succeed
 *
 * The claim is its own statement, committed before the slow check, so attempts in flight on
 * every instance see each other's places. countFailure and returnAttempt run inside the
 * transaction that records the outcome. A completed sign-in clears the count
 * (recordSuccessfulLogin).
 */
export interface AttemptPlace {
  readonly user: User;
  readonly practice: Practice;
  readonly at: number;
  /** The count with this attempt in it. */
  readonly failedAttempts: number;
  readonly lockCount: number;
  /** Claimed while the account was locked: one of the few checks a lock allows. */
  readonly whileLocked: boolean;
}

export async function claimAttempt(
  db: Executor,
  account: { readonly user: User; readonly practice: Practice },
  at: number,
  /** Only the sign-in password step checks while locked, to tell a correct password so. */
  checksWhileLocked = false,
): Promise<AttemptPlace | undefined> {
  const limits = attemptLimits(account.practice.settings.lockout.threshold, checksWhileLocked);
  const claimed = await claimAttemptPlace(db, account.user.practiceId, account.user.id, { at, limits });
  if (!claimed) return undefined;
  return {
    ...account,
    at,
    failedAttempts: claimed.failedAttempts,
    lockCount: claimed.lockCount,
    whileLocked: isLocked(claimed, at),
  };
}

/** Gives the place back after a right secret; returns when the account's lock ends, if it is locked now. */
export async function returnAttempt(
  trx: Executor,
  place: AttemptPlace,
  now: number,
): Promise<number | undefined> {
  const lockedUntil = await returnAttemptPlace(trx, place.user.practiceId, place.user.id);
  return isLocked({ lockedUntil }, now) ? (lockedUntil ?? undefined) : undefined;
}

export type AuthFailureOutcome = 'counted' | 'locked';

/** Keeps a wrong secret's place; the place that reaches the threshold (or, abandoned, passes it) locks the account. */
export async function countFailure(
  trx: Executor,
  place: AttemptPlace,
  /** The request that failed: the lock event and email name its IP and browser (L1, L2). */
  origin: RequestOrigin,
): Promise<AuthFailureOutcome> {
  const { user, practice, at, failedAttempts } = place;
  if (place.whileLocked || failedAttempts < practice.settings.lockout.threshold) return 'counted';

  const lockNumber = place.lockCount + 1;
  const durationMs = lockDurationMs(practice.settings.lockout.minutes, lockNumber);
  const until = at + durationMs;
  await lockAccount(trx, user.practiceId, user.id, { until, at });
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
      failures: failedAttempts,
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
        `Your ${practice.name} account was locked after ${failedAttempts} failed login attempts in a row. ` +
          `It unlocks by itself in ${Math.round(durationMs / 60_000)} minutes, or your Practice Administrator can unlock it now.`,
        'If you forgot your password, use "Forgot Password?" on the Log In page to reset it; that works while the account is locked.',
      ],
    },
  );
  await alertAdministrators(trx, {
    kind: 'account_locked',
    practice,
    actor: null,
    target: user,
    summary: `The account of ${whoIs(user)} was locked after ${failedAttempts} failed login attempts in a row, until ${zonedTime(until, practice.settings.timeZone)}.`,
    origin,
    at,
  });
  return 'locked';
}
