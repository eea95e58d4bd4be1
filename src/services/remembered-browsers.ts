import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../domain/secret-token.js';
import type { Executor } from '../store/database.js';
import type { Practice } from '../store/practice-store.js';
import {
  deleteUserRememberedBrowsers,
  findRememberedBrowser,
  insertRememberedBrowser,
  touchRememberedBrowser,
  type RememberedBrowser,
} from '../store/remembered-browser-store.js';
import type { User } from '../store/user-store.js';
import type { RequestOrigin } from './context.js';

/**
 * "Remember this browser": after a second factor, a browser may skip it for the practice's
 * rememberBrowserDays (default 30; 0 = never offered).
 *
 * - The cookie holds a 256-bit random token; only its SHA-256 is stored, with the user it
 *   belongs to, so the cookie is worth nothing for another user and a database copy forges none.
 * - A browser counts as remembered while its row is unexpired AND younger than the practice's
 *   current setting (shortening the setting shortens existing ones; 0 ends them all).
 * - Listed and revocable by the user; all of them end with a password reset, a 2FA removal or
 *   disabling 2FA (`forgetRememberedBrowsers`).
 */
export const DAY_MS = 86_400_000;

export function rememberBrowserAllowed(practice: Practice): boolean {
  return practice.settings.rememberBrowserDays > 0;
}

/** Remembers the caller's browser; returns the token for its cookie and when it expires. */
export async function rememberBrowser(
  trx: Executor,
  context: {
    readonly user: User;
    readonly practice: Practice;
    readonly origin: RequestOrigin;
    readonly now: number;
  },
): Promise<{ readonly token: string; readonly expiresAt: number }> {
  const token = generateToken();
  const expiresAt = context.now + context.practice.settings.rememberBrowserDays * DAY_MS;
  await insertRememberedBrowser(trx, {
    id: randomUUID(),
    userId: context.user.id,
    tokenHash: hashToken(token),
    createdAt: context.now,
    expiresAt,
    lastUsedAt: context.now,
    ip: context.origin.ip,
    userAgent: context.origin.userAgent,
  });
  return { token, expiresAt };
}

/** The remembered browser this cookie token names for this user, if it still counts. */
export async function findRememberedBrowserFor(
  db: Executor,
  context: { readonly user: User; readonly practice: Practice; readonly now: number },
  token: string | undefined,
): Promise<RememberedBrowser | undefined> {
  if (!token || !rememberBrowserAllowed(context.practice)) return undefined;
  const browser = await findRememberedBrowser(db, context.user.id, hashToken(token), context.now);
  const limit = context.practice.settings.rememberBrowserDays * DAY_MS;
  if (!browser || browser.createdAt + limit <= context.now) return undefined;
  return browser;
}

export async function markRememberedBrowserUsed(trx: Executor, browser: RememberedBrowser, at: number) {
  await touchRememberedBrowser(trx, browser.id, at);
}

/**
 * Forgets every browser the user asked to remember, so the next sign-in anywhere asks for the
 * second factor again. Called by password reset, admin 2FA removal and disabling 2FA.
 */
export async function forgetRememberedBrowsers(trx: Executor, userId: string): Promise<number> {
  return deleteUserRememberedBrowsers(trx, userId);
}
