/**
 * Account lock (SECURITY-CHECKLIST T1, T3; DESIGN "lock after consecutive failures").
 *
 * - Wrong passwords, TOTP codes and recovery codes add to one per-account count, kept in the
 *   database so it holds across IPs and server instances.
 * - At the practice's threshold (default 10) the account locks for the practice's minutes
 *   (default 15), doubled on each repeat lock (15, 30, 60 … min) up to 24 h; the count
 *   restarts at zero.
 * - A completed sign-in clears the count and the repeat count; an admin unlock clears the lock
 *   and the count but not the repeat count, so a continuing attack keeps doubling.
 *
 *   active --(threshold failures)--> locked --(time passes | admin unlock)--> active
 */
export const MAX_LOCK_MS = 24 * 3_600_000;

/** How long the n-th lock in a row lasts (n = 1 for the first). */
export function lockDurationMs(baseMinutes: number, lockNumber: number): number {
  const doublings = Math.max(0, Math.min(lockNumber - 1, 30));
  return Math.min(baseMinutes * 60_000 * 2 ** doublings, MAX_LOCK_MS);
}

export function isLocked(account: { readonly lockedUntil: number | null }, now: number): boolean {
  return account.lockedUntil !== null && account.lockedUntil > now;
}
