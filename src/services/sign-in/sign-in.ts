import { ipAllowed } from '../../domain/ip-allow-list.js';
import { isPracticeAdmin } from '../../domain/roles.js';
import { nextStage, NO_PROGRESS, type StageProgress, type SignInStage } from '../../domain/session-stage.js';
import { generateToken, hashToken } from '../../domain/secret-token.js';
import type { SignInFailureReason } from '../../domain/security-counts.js';
import type { Executor } from '../../store/database.js';
import type { Practice } from '../../store/practice-store.js';
import { advanceSession, insertSession, type StoredSession } from '../../store/session-store.js';
import { isTwoFactorEnabled } from '../../store/two-factor-store.js';
import {
  findAccountByName,
  recordSuccessfulLogin,
  replacePasswordHash,
  type User,
} from '../../store/user-store.js';
import { audit, detailText } from '../activity/audit.js';
import { claimAttempt, countFailure, returnAttempt } from './auth-failures.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { endUserSessions } from '../sessions/session-revocation.js';
import { noticeNewDevice } from './new-device.js';
import { findRememberedBrowserFor, markRememberedBrowserUsed } from '../two-factor/remembered-browsers.js';

/**
 * Sign-in, step one: practice code + user name + password.
 *
 * Unknown practice, unknown user, wrong password, locked account, deactivated user and expired
 * temporary password all return the same `invalid_credentials` after one argon2 verification
 * (a dummy one when there is no user, or when the account's count has no place left), so neither
 * the answer nor its timing tells them apart. The reason is kept only in the `login.failed`
 * event. Each attempt claims its place in the account's count before its password is checked
 * (auth-failures.ts): a wrong password keeps it, a right one gives it back. The one exception to
 * the uniform answer: a correct password on a locked account is told the lock's end
 * (`lockedUntil`), never signs in and never clears the lock.
 * Only after a correct password is the practice's IP allow-list checked (Practice
 * Administrators exempt): `ip_not_allowed`. A correct password opens a session at the first
 * stage still owed (see domain/session-stage.ts); `login.succeeded` is recorded when a session
 * reaches `signed_in`, where the one-session-per-user setting ends the user's other sessions.
 * A browser the user asked to remember (its cookie token, `rememberedBrowserToken`) counts as
 * this sign-in's second factor.
 */
export interface LoginInput {
  readonly practiceCode: string;
  readonly username: string;
  readonly password: string;
}

export type LoginResult =
  | { readonly ok: true; readonly token: string; readonly stage: SignInStage }
  | {
      readonly ok: false;
      readonly reason: LoginFailureReason;
      /** Only for a correct password on a locked account: when the lock ends. */
      readonly lockedUntil?: number;
    };

/** Kept only in the `login.failed` event (and as a /metrics label); the caller sees one answer. */
export type LoginFailureReason = SignInFailureReason;

export async function login(
  deps: ServiceDeps,
  {
    origin,
    rememberedBrowserToken,
    ...input
  }: LoginInput & { readonly origin: RequestOrigin; readonly rememberedBrowserToken?: string | undefined },
): Promise<LoginResult> {
  const { store, hasher, clock } = deps;
  const account = await findAccountByName(store.db, input.practiceCode, input.username);
  const practice = account?.practice;
  const credentials = account?.credentials;
  if (!practice || !credentials) {
    await hasher.verifyDummy(input.password);
    const reason = practice ? 'unknown_user' : 'unknown_practice';
    await store.transaction((trx) =>
      audit(trx, {
        practiceId: practice?.id ?? null,
        type: 'login.failed',
        outcome: 'failure',
        actor: null,
        origin,
        at: clock.now(),
        details: {
          reason,
          practiceCode: detailText(input.practiceCode),
          username: detailText(input.username),
        },
      }),
    );
    return { ok: false, reason };
  }

  const { user, passwordHash } = credentials;
  const place = await claimAttempt(store.db, { user, practice }, clock.now(), true);
  let passwordOk = false;
  if (place) passwordOk = await hasher.verify(passwordHash, input.password);
  // No place: the user's hash is not checked, but the answer takes the time of a check.
  else await hasher.verifyDummy(input.password);
  const now = clock.now();
  const upgradedHash =
    passwordOk && hasher.needsRehash(passwordHash) ? await hasher.hash(input.password) : undefined;
  const token = generateToken();
  const sessionId = hashToken(token);
  return store.transaction(async (trx): Promise<LoginResult> => {
    const refused = async (reason: LoginFailureReason, lockedUntil?: number): Promise<LoginResult> => {
      await audit(trx, {
        practiceId: practice.id,
        type: 'login.failed',
        outcome: 'failure',
        actor: null,
        target: user,
        origin,
        at: now,
        details: reason === 'ip_not_allowed' ? { reason, ip: origin.ip } : { reason },
      });
      return { ok: false, reason, lockedUntil };
    };
    if (!place) return refused('locked');
    if (!passwordOk) {
      await countFailure(trx, place, origin);
      return refused(place.whileLocked ? 'locked' : 'wrong_password');
    }
    // Only a correct password learns of the lock (403 account_locked, docs/requirements.md T4).
    const lockedUntil = await returnAttempt(trx, place, now);
    if (lockedUntil !== undefined) return refused('locked', lockedUntil);
    const reason = failureReason(user, practice, origin, now);
    if (reason) return refused(reason);

    if (upgradedHash) await replacePasswordHash(trx, user.practiceId, user.id, upgradedHash);
    if (user.passwordMustChange) {
      await audit(trx, {
        practiceId: practice.id,
        type: 'password.temporary_used',
        outcome: 'success',
        actor: user,
        target: user,
        origin,
        at: now,
      });
    }
    const hasTwoFactor = await isTwoFactorEnabled(trx, user.id);
    const remembered = hasTwoFactor
      ? await findRememberedBrowserFor(trx, { user, practice, now }, rememberedBrowserToken)
      : undefined;
    if (remembered) {
      await markRememberedBrowserUsed(trx, remembered, now);
      await audit(trx, {
        practiceId: practice.id,
        type: 'two_factor.succeeded',
        outcome: 'success',
        actor: user,
        target: user,
        origin,
        at: now,
        details: { method: 'remembered_browser' },
      });
    }
    const progress: StageProgress = { ...NO_PROGRESS, secondFactorDone: remembered !== undefined };
    const first = stageFor(user, practice, progress, now, hasTwoFactor);
    await insertSession(trx, {
      id: sessionId,
      userId: user.id,
      practiceId: practice.id,
      stage: first,
      progress,
      createdAt: now,
      lastSeenAt: now,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    if (first === 'signed_in') await completeSignIn(trx, { user, practice, sessionId, origin, now });
    return { ok: true, token, stage: first };
  });
}

function failureReason(
  user: User,
  practice: Practice,
  origin: RequestOrigin,
  now: number,
): LoginFailureReason | undefined {
  if (user.status !== 'active') return 'deactivated';
  if (user.temporaryPasswordExpiresAt !== null && user.temporaryPasswordExpiresAt <= now) {
    return 'temporary_password_expired';
  }
  const allowList = practice.settings.ipAllowList;
  if (allowList.enabled && !isPracticeAdmin(user.roles) && !ipAllowed(origin.ip, allowList.entries)) {
    return 'ip_not_allowed';
  }
  return undefined;
}

/**
 * The first stage this user still owes, given what this sign-in has already done and whether
 * the user has two-factor authentication (a remembered browser counts as progress.secondFactorDone).
 */
export function stageFor(
  user: User,
  practice: Practice,
  progress: StageProgress,
  now: number,
  hasTwoFactor: boolean,
): SignInStage {
  const expiryDays = practice.settings.passwordPolicy.expiryDays;
  const passwordExpired = expiryDays !== null && user.passwordChangedAt + expiryDays * 86_400_000 <= now;
  return nextStage(
    {
      needsSecondFactor: hasTwoFactor,
      mustChangePassword: user.passwordMustChange || passwordExpired,
      mustEnrollTwoFactor: practice.settings.requireTwoFactor && !hasTwoFactor,
    },
    progress,
  );
}

/**
 * Moves a session past a completed step under a new id, recording the sign-in when it is
 * complete. Returns the new token, or undefined when the session was revoked meanwhile.
 */
export async function advanceSignIn(
  trx: Executor,
  session: StoredSession,
  context: {
    readonly user: User;
    readonly practice: Practice;
    readonly progress: StageProgress;
    readonly origin: RequestOrigin;
    readonly now: number;
  },
): Promise<{ readonly token: string; readonly stage: SignInStage } | undefined> {
  const token = generateToken();
  const sessionId = hashToken(token);
  const hasTwoFactor = await isTwoFactorEnabled(trx, context.user.id);
  const stage = stageFor(context.user, context.practice, context.progress, context.now, hasTwoFactor);
  const moved = await advanceSession(trx, session.id, {
    id: sessionId,
    stage,
    progress: context.progress,
    at: context.now,
  });
  if (!moved) return undefined;
  if (stage === 'signed_in') await completeSignIn(trx, { ...context, sessionId });
  return { token, stage };
}

async function completeSignIn(
  trx: Executor,
  context: {
    readonly user: User;
    readonly practice: Practice;
    readonly sessionId: string;
    readonly origin: RequestOrigin;
    readonly now: number;
  },
): Promise<void> {
  const { user, practice, sessionId, origin, now } = context;
  await recordSuccessfulLogin(trx, user.practiceId, user.id, { at: now, ...origin });
  await audit(trx, {
    practiceId: user.practiceId,
    type: 'login.succeeded',
    outcome: 'success',
    actor: user,
    target: user,
    origin,
    at: now,
  });
  await noticeNewDevice(trx, { user, practice, origin, now });
  if (practice.settings.singleSession) {
    await endUserSessions(trx, {
      user,
      actor: user,
      reason: 'single_session',
      origin,
      at: now,
      exceptSessionId: sessionId,
    });
  }
}
