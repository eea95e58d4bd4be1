import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../../domain/secret-token.js';
import type { Executor } from '../../store/database.js';
import type { Practice } from '../../store/practice-store.js';
import {
  deleteRememberedBrowser,
  deleteUserRememberedBrowsers,
  findRememberedBrowser,
  insertRememberedBrowser,
  listRememberedBrowsers,
  touchRememberedBrowser,
  type RememberedBrowser,
} from '../../store/remembered-browser-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import type { RevocationReason } from '../sessions/session-revocation.js';
import type { OwnRequest, ValidSession } from '../sessions/sessions.js';

/**
 * "Remember this browser": after a second factor, a browser may skip it for the practice's
 * rememberBrowserDays (default 30; 0 = never offered).
 *
 * - The cookie holds a 256-bit random token; only its SHA-256 is stored, with the user it
 *   belongs to, so the cookie is worth nothing for another user and a database copy forges none.
 * - A browser counts as remembered while its row is unexpired AND younger than the practice's
 *   current setting (shortening the setting shortens existing ones; 0 ends them all); the
 *   sign-in step and the user's list apply the same rule (`stillRemembered`).
 * - Listed and revocable by the user; all of them end whenever the sessions end for a changed
 *   credential (services/sessions/session-revocation.ts).
 * - Remembering one records `remembered_browser.added`; forgetting one or all records
 *   `remembered_browser.removed`, in the same transaction.
 */
export const DAY_MS = 86_400_000;

export function rememberBrowserAllowed(practice: Practice): boolean {
  return practice.settings.rememberBrowserDays > 0;
}

function stillRemembered(browser: RememberedBrowser, practice: Practice, now: number): boolean {
  return (
    rememberBrowserAllowed(practice) &&
    browser.createdAt + practice.settings.rememberBrowserDays * DAY_MS > now
  );
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
  const { user, practice, origin, now } = context;
  const token = generateToken();
  const id = randomUUID();
  const expiresAt = now + practice.settings.rememberBrowserDays * DAY_MS;
  await insertRememberedBrowser(trx, {
    id,
    userId: user.id,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt,
    lastUsedAt: now,
    ip: origin.ip,
    userAgent: origin.userAgent,
  });
  await audit(trx, {
    practiceId: practice.id,
    type: 'remembered_browser.added',
    outcome: 'success',
    actor: user,
    target: user,
    origin,
    at: now,
    details: { browser: id, expiresAt: new Date(expiresAt).toISOString() },
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
  return browser && stillRemembered(browser, context.practice, context.now) ? browser : undefined;
}

/** The user's browsers that still skip the second factor, newest first. */
export async function listOwnRememberedBrowsers(
  deps: ServiceDeps,
  { auth: { user, practice } }: { readonly auth: ValidSession },
): Promise<RememberedBrowser[]> {
  const now = deps.clock.now();
  const browsers = await listRememberedBrowsers(deps.store.db, user.id, now);
  return browsers.filter((browser) => stillRemembered(browser, practice, now));
}

export async function markRememberedBrowserUsed(trx: Executor, browser: RememberedBrowser, at: number) {
  await touchRememberedBrowser(trx, browser.id, at);
}

/** The user forgets one of their remembered browsers; false when the id is not theirs. */
export async function forgetOwnRememberedBrowser(
  deps: ServiceDeps,
  { auth, origin, id }: OwnRequest & { readonly id: string },
): Promise<boolean> {
  const { user, practice } = auth;
  const at = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    if (!(await deleteRememberedBrowser(trx, user.id, id))) return false;
    await audit(trx, {
      practiceId: practice.id,
      type: 'remembered_browser.removed',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at,
      details: { browser: id, browsers: 1 },
    });
    return true;
  });
}

/**
 * Forgets every browser the user asked to remember, so the next sign-in anywhere asks for the
 * second factor again; records how many and why, when there were any. Returns how many.
 */
export async function forgetRememberedBrowsers(
  trx: Executor,
  context: {
    readonly user: User;
    readonly actor: User | null;
    readonly reason: RevocationReason;
    readonly origin: RequestOrigin;
    readonly at: number;
  },
): Promise<number> {
  const forgotten = await deleteUserRememberedBrowsers(trx, context.user.id);
  if (forgotten > 0)
    await audit(trx, {
      practiceId: context.user.practiceId,
      type: 'remembered_browser.removed',
      outcome: 'success',
      actor: context.actor,
      target: context.user,
      origin: context.origin,
      at: context.at,
      details: { reason: context.reason, browsers: forgotten },
    });
  return forgotten;
}
