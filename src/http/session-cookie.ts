import type { FastifyReply } from 'fastify';
import type { SignInStage } from '../domain/session-stage.js';
import type { CookiePolicy } from './cookies.js';

/** A sign-in step the services completed: the session's new token and the stage it reached. */
export interface IssuedSession {
  readonly token: string;
  readonly stage: SignInStage;
  /** "Remember this browser", when the user asked for it at the second factor. */
  readonly remembered?: { readonly token: string; readonly expiresAt: number } | undefined;
}

/**
 * The one place a route hands the browser a session: every sign-in step (password, forced
 * password change, second factor, authenticator enrolment) renews the session id, so its cookie
 * and the CSRF token bound to it (plugins/csrf.ts) change in the same answer. Returns the body
 * every step answers with.
 */
export function issueSession(
  reply: FastifyReply,
  cookies: CookiePolicy,
  issued: IssuedSession,
  now: number,
): { readonly next: SignInStage } {
  reply.setSessionCookie(issued.token);
  if (issued.remembered) {
    reply.setCookie(cookies.rememberName, issued.remembered.token, {
      ...cookies.remember,
      maxAge: Math.floor((issued.remembered.expiresAt - now) / 1000),
    });
  }
  return { next: issued.stage };
}
