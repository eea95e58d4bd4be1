import { findPracticeById, type Practice } from '../../store/practice-store.js';
import type { OwnRequest, ValidSession } from '../sessions/sessions.js';
import { audit } from '../activity/audit.js';
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

/** The `app.signed_in` event of a sign-in to an app. */
export async function recordAppSignIn(
  deps: ServiceDeps,
  { auth, origin, app }: OwnRequest & { readonly app: { readonly name: string; readonly clientId: string } },
): Promise<void> {
  await deps.store.transaction((trx) =>
    audit(trx, {
      practiceId: auth.practice.id,
      type: 'app.signed_in',
      outcome: 'success',
      actor: auth.user,
      origin,
      at: deps.clock.now(),
      details: { app: app.name.slice(0, 100), clientId: app.clientId },
    }),
  );
}

/** The practice an app belongs to (its client's metadata names it); undefined once it is gone. */
export function findAppPractice(
  deps: ServiceDeps,
  { practiceId }: { readonly practiceId: string },
): Promise<Practice | undefined> {
  return findPracticeById(deps.store.db, practiceId);
}
