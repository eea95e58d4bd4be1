/**
 * Account lock (docs/requirements.md T1, T3; docs/architecture.md "Rate limits and account lock").
 *
 * - Wrong passwords, TOTP codes, recovery codes and passkey assertions add to one per-account
 *   count, kept in the database so it holds across IPs and server instances.
 * - Count first: an attempt claims its place in the count in one atomic statement *before* its
 *   secret is checked (services/sign-in/auth-failures.ts). Only an attempt that got a place is checked
 *   against the user's secret; a wrong one keeps its place, a right one gives it back. So however
 *   many attempts arrive at once, on however many instances, at most `threshold` of them are
 *   checked before the account locks.
 * - At the practice's threshold (default 10) the account locks for the practice's minutes
 *   (default 15), doubled on each repeat lock (15, 30, 60 … min) up to 24 h; the count
 *   restarts at zero.
 * - While locked, only the sign-in password step still checks, and at most CHECKS_WHILE_LOCKED
 *   times per lock: enough for the user to learn that the account is locked and until when
 *   (a correct password is told so), never an oracle. These checks stay in the count when the
 *   lock ends, so from one lock to the next at most `threshold` guesses are ever checked. A
 *   correct password gives its place back but never signs in and never clears the lock; the
 *   second factor and re-authentication prompts check nothing while locked.
 * - A completed sign-in clears the count and the repeat count; an admin unlock clears the lock
 *   and the count but not the repeat count, so a continuing attack keeps doubling.
 *
 *   active --(threshold failures)--> locked --(time passes | admin unlock)--> active
 */
export const MAX_LOCK_MS = 24 * 3_600_000;

export const CHECKS_WHILE_LOCKED = 2;

/**
 * A full count on an account that is not locked means the attempt holding the last place is
 * still being checked, or its request failed before it could lock (a database timeout). After
 * this long (far beyond any check or transaction) the place counts as abandoned and the next
 * attempt may take one more, whose failure locks, so a lost lock cannot shut the account for good.
 */
export const ABANDONED_PLACE_MS = 60_000;

/** How long the n-th lock in a row lasts (n = 1 for the first). */
export function lockDurationMs(baseMinutes: number, lockNumber: number): number {
  const doublings = Math.max(0, Math.min(lockNumber - 1, 30));
  return Math.min(baseMinutes * 60_000 * 2 ** doublings, MAX_LOCK_MS);
}

export function isLocked(account: { readonly lockedUntil: number | null }, now: number): boolean {
  return account.lockedUntil !== null && account.lockedUntil > now;
}

/**
 * How many places the count offers: `threshold` while active; while locked, the few checks a
 * sign-in may still make (none elsewhere), always fewer than `threshold` so the count can still
 * reach it once the lock ends.
 */
export function attemptLimits(
  threshold: number,
  checksWhileLocked: boolean,
): { readonly active: number; readonly locked: number; readonly abandonedMs: number } {
  return {
    active: threshold,
    locked: checksWhileLocked ? Math.max(0, Math.min(CHECKS_WHILE_LOCKED, threshold - 1)) : 0,
    abandonedMs: ABANDONED_PLACE_MS,
  };
}
