import { listActivity } from '../../store/activity-store.js';
import type { Executor } from '../../store/database.js';
import { countUserSessions } from '../../store/session-list-store.js';
import { findTwoFactorStatus } from '../../store/two-factor-store.js';
import type { Practice } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import type { ServiceDeps } from '../context.js';

/**
 * The facts of the Security & Activity section (docs/user-guide.md): last login (time,
 * IP, browser), password last changed, two-factor state, lock state, open sessions.
 * Times are UTC ms; the practice's time zone travels with them for display.
 */
export interface TwoFactorOverview {
  readonly enabled: boolean;
  /** Unused recovery codes; 0 when two-factor authentication is off. */
  readonly recoveryCodesRemaining: number;
  readonly passkeys: number;
}

export interface SecurityOverview {
  readonly lastLogin: User['lastLogin'];
  /** The sign-in before the last one (from the log): one's own last login is the current sign-in. */
  readonly previousLogin: User['lastLogin'];
  readonly passwordChangedAt: number;
  readonly twoFactor: TwoFactorOverview;
  /** Until when the account is locked, when it is locked now. */
  readonly lockedUntil: number | null;
  readonly activeSessions: number;
  readonly timeZone: string;
}

/** The user's two-factor state as the section shows it. */
async function twoFactorOverview(db: Executor, user: User): Promise<TwoFactorOverview> {
  const status = await findTwoFactorStatus(db, user.id);
  return {
    enabled: status.enabled,
    recoveryCodesRemaining: status.recoveryCodesRemaining ?? 0,
    passkeys: status.passkeys,
  };
}

export async function securityOverview(
  deps: ServiceDeps,
  { user, practice }: { readonly user: User; readonly practice: Practice },
): Promise<SecurityOverview> {
  const { db } = deps.store;
  const [twoFactor, activeSessions, logins] = await Promise.all([
    twoFactorOverview(db, user),
    countUserSessions(db, user.id),
    // The last login and the one before it: each sign-in records both in one transaction.
    listActivity(db, { chainId: practice.id, userId: user.id, types: ['login.succeeded'], limit: 2 }),
  ]);
  const previous = logins.events[1];
  const now = deps.clock.now();
  return {
    lastLogin: user.lastLogin,
    previousLogin: previous ? { at: previous.at, ip: previous.ip, userAgent: previous.userAgent } : null,
    passwordChangedAt: user.passwordChangedAt,
    twoFactor,
    lockedUntil: user.lockedUntil !== null && user.lockedUntil > now ? user.lockedUntil : null,
    activeSessions,
    timeZone: practice.settings.timeZone,
  };
}
