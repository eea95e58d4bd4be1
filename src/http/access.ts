import type { Role } from '../domain/roles.js';
import type { SignInStage } from '../domain/session-stage.js';
import type { FastifyRequest } from 'fastify';
import type { OwnRequest, ValidSession } from '../services/sessions/sessions.js';
import { requestOrigin } from './request-origin.js';

/**
 * Who may call a route, declared in its `config.access`:
 * - 'public': anyone (sign-in, health);
 * - a sign-in stage: only a session in exactly that stage (S3: a half-signed-in session
 *   reaches nothing but its step); 'signed_in' is the default for every route;
 * - several stages: a session in any of them (2FA setup serves both `signed_in` and
 *   `two_factor_enrollment`).
 */
export type RouteAccess = 'public' | SignInStage | readonly SignInStage[];

/** Whether a session in `stage` may call a route with this (non-public) access rule. */
export function stageAllowed(access: Exclude<RouteAccess, 'public'>, stage: SignInStage): boolean {
  return typeof access === 'string' ? access === stage : access.includes(stage);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The caller must hold one of these roles, else 403 `forbidden`. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** The caller's session, when the cookie named a live one. */
    auth: ValidSession | null;
  }
}

/** The caller's session on a route whose access rule already guaranteed one. */
export function sessionOf(request: { auth: ValidSession | null }): ValidSession {
  if (!request.auth) throw new Error('sessionOf() on a route without a session requirement');
  return request.auth;
}

/** Who asks and from where, as the services take it: `(deps, { ...ownRequest(request), ...fields })`. */
export function ownRequest(request: FastifyRequest): OwnRequest {
  return { auth: sessionOf(request), origin: requestOrigin(request) };
}
