import { remoteUserHeaders, type RemoteUserHeader } from '../../domain/remote-user-headers.js';
import type { Role } from '../../domain/roles.js';
import type { ValidSession } from '../sessions/sessions.js';

/**
 * Forward-auth (docs/architecture.md "Apps signing in"): before each
 * request to an app that speaks no OpenID Connect, the reverse proxy asks whether the browser's
 * Gatehouse session may reach it.
 *
 * - The session is the one the authenticate plugin already found through validateSession
 *   (services/sessions/sessions.ts): one indexed lookup, no write but the once-a-minute touch, the idle
 *   and absolute timeouts exactly as for GET /api/me, a deactivated user never found.
 * - It counts as use, so it extends the idle timer as any API request does: the idle timeout
 *   runs from the last request to Gatehouse or to any app behind it, and someone working all
 *   day in the EHR is not signed out after 30 minutes while Gatehouse's own tab sits unused.
 *   Closing every app (and Gatehouse) still ends the session after the idle timeout.
 * - Only a fully signed-in session passes. One still owing a second factor, a new password or
 *   2FA enrolment is not signed in (401), so the proxy sends the browser to the sign-in page,
 *   where that step is waiting.
 * - A role asked for (`?role=clinician`) and not held: 403; the proxy shows its own page.
 *
 * No rate limit: every proxied request of every user comes through here, often from the one
 * address of the proxy; the only secret it tests is a 256-bit session token.
 */
export type ForwardAuthDecision =
  | { readonly status: 'allowed'; readonly headers: Readonly<Record<RemoteUserHeader, string>> }
  | { readonly status: 'not_signed_in' }
  | { readonly status: 'missing_role' };

export function decideForwardAuth(
  current: ValidSession | null,
  requiredRole: Role | undefined,
): ForwardAuthDecision {
  if (current?.session.stage !== 'signed_in') return { status: 'not_signed_in' };
  const { user, practice } = current;
  if (requiredRole !== undefined && !user.roles.includes(requiredRole)) return { status: 'missing_role' };
  return {
    status: 'allowed',
    headers: remoteUserHeaders({
      id: user.id,
      username: user.username,
      practiceCode: practice.code,
      roles: user.roles,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
    }),
  };
}
