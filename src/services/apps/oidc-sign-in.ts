import { bindAppSignIn, insertAppSignIn, providerSessionBound } from '../../store/oidc-app-sign-in-store.js';
import { findPracticeById, type Practice } from '../../store/practice-store.js';
import type { OwnRequest, ValidSession } from '../sessions/sessions.js';
import { audit, type AuditInput } from '../activity/audit.js';
import type { ServiceDeps } from '../context.js';

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

/**
 * A sign-in to an app through `grantId`: its `app.signed_in` event, and the app remembered as one
 * the Gatehouse session signed in to, so that the session's end sends the app a back-channel
 * logout (services/apps/app-logout-delivery.ts).
 */
export async function recordAppSignIn(
  deps: ServiceDeps,
  {
    auth,
    origin,
    app,
  }: OwnRequest & {
    readonly app: { readonly name: string; readonly clientId: string; readonly grantId: string };
  },
): Promise<void> {
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    await insertAppSignIn(trx, {
      sessionId: auth.session.id,
      practiceId: auth.practice.id,
      userId: auth.user.id,
      clientId: app.clientId,
      grantId: app.grantId,
      at,
    });
    await audit(trx, appSignInEvent({ auth, origin, app }, 'success', at));
  });
}

/** The user did not allow an app on the consent screen: `app.signed_in` with outcome failure. */
export async function recordAppRefusal(
  deps: ServiceDeps,
  { auth, origin, app }: OwnRequest & { readonly app: { readonly name: string; readonly clientId: string } },
): Promise<void> {
  await deps.store.transaction((trx) =>
    audit(trx, appSignInEvent({ auth, origin, app }, 'failure', deps.clock.now())),
  );
}

/** The `app.signed_in` event, allowed (success) or refused on the consent screen (failure). */
function appSignInEvent(
  { auth, origin, app }: OwnRequest & { readonly app: { readonly name: string; readonly clientId: string } },
  outcome: 'success' | 'failure',
  at: number,
): AuditInput<'app.signed_in'> {
  return {
    practiceId: auth.practice.id,
    type: 'app.signed_in',
    outcome,
    actor: auth.user,
    origin,
    at,
    details: { app: app.name.slice(0, 100), clientId: app.clientId },
  };
}

/**
 * The provider finished the authorization of a recorded sign-in: its session (uid) and the
 * `sid` the app's ID tokens carry, which the app's logout token will name.
 */
export async function bindAppSignInToProvider(
  deps: ServiceDeps,
  grantId: string,
  provider: { readonly sid: string; readonly sessionUid: string },
): Promise<void> {
  await bindAppSignIn(deps.store.db, grantId, provider);
}

/**
 * Whether the provider's session may still stand for a sign-in: only with the very Gatehouse
 * session (still live, as the request's session check found it) that it was made from. A
 * browser that lost or ended that session gets no single sign-on from the provider's own.
 */
export function providerSessionHeldBy(
  deps: ServiceDeps,
  providerSessionUid: string,
  current: ValidSession | null,
): Promise<boolean> {
  if (!current || current.session.stage !== 'signed_in') return Promise.resolve(false);
  return providerSessionBound(deps.store.db, providerSessionUid, current.session.id);
}

/** The practice an app belongs to (its client's metadata names it); undefined once it is gone. */
export function findAppPractice(
  deps: ServiceDeps,
  { practiceId }: { readonly practiceId: string },
): Promise<Practice | undefined> {
  return findPracticeById(deps.store.db, practiceId);
}
