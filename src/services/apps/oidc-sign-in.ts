import { findPracticeById, type Practice } from '../../store/practice-store.js';
import type { ValidSession } from '../sessions/sessions.js';
import { audit } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';

/**
 * What an app's sign-in is told about the Gatehouse sign-in it reuses (docs/architecture.md "Apps signing in"): `amr` from
 * the factors this session passed, `auth_time` the moment the password was accepted. The
 * session must be fully signed in, to the app's practice (O3), and, when the app asked for a
 * fresh sign-in (prompt=login, max_age), have begun after the app's request did.
 */
export interface AppSignIn {
  readonly accountId: string;
  readonly amr: readonly string[];
  /** Seconds since the epoch. */
  readonly authTime: number;
}

export function appSignInOf(
  current: ValidSession | null,
  practiceId: string,
  freshSince: number | undefined,
): AppSignIn | undefined {
  if (!current || current.session.stage !== 'signed_in' || current.practice.id !== practiceId)
    return undefined;
  if (freshSince !== undefined && current.session.createdAt < freshSince) return undefined;
  return {
    accountId: current.user.id,
    amr: current.session.progress.secondFactorDone ? ['pwd', 'otp'] : ['pwd'],
    authTime: Math.floor(current.session.createdAt / 1000),
  };
}

/**
 * Whether the user must be asked before an app gets what it asked for: never for a first-party
 * app; otherwise when the app asks again (prompt=consent) or asks for a scope the user's grant
 * for this app does not hold yet. A grant is kept per user and app, so an app asks once.
 */
export function consentNeeded(
  firstParty: boolean,
  requested: readonly string[],
  granted: readonly string[],
  promptConsent: boolean,
): boolean {
  if (firstParty) return false;
  return promptConsent || requested.some((scope) => !granted.includes(scope));
}

/** The `app.signed_in` event of a sign-in to an app: success, or failure when the user did not allow it. */
export async function recordAppSignIn(
  deps: ServiceDeps,
  current: ValidSession,
  app: { readonly name: string; readonly clientId: string },
  origin: RequestOrigin,
  outcome: 'success' | 'failure' = 'success',
): Promise<void> {
  await deps.store.transaction((trx) =>
    audit(trx, {
      practiceId: current.practice.id,
      type: 'app.signed_in',
      outcome,
      actor: current.user,
      origin,
      at: deps.clock.now(),
      details: { app: app.name.slice(0, 100), clientId: app.clientId },
    }),
  );
}

/** The practice an app belongs to (its client's metadata names it); undefined once it is gone. */
export function findAppPractice(deps: ServiceDeps, practiceId: string): Promise<Practice | undefined> {
  return findPracticeById(deps.store.db, practiceId);
}
