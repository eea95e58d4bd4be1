import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../../domain/errors.js';
import type { ServiceDeps } from '../../services/context.js';
import { validateSession } from '../../services/sessions/sessions.js';
import type { CookiePolicy } from '../cookies.js';
import { stageAllowed } from '../access.js';
import { requestOrigin } from '../request-origin.js';

/**
 * Reads the session cookie on every request, puts the live session on `request.auth`, and
 * enforces each route's `config.access` (default 'signed_in'). A cookie naming no live
 * session is cleared, so the browser stops sending it.
 */
export interface AuthenticateOptions {
  readonly deps: ServiceDeps;
  readonly cookies: CookiePolicy;
}

export const authenticate = fp(async function authenticate(
  app: FastifyInstance,
  options: AuthenticateOptions,
) {
  const { deps, cookies } = options;
  app.decorateRequest('auth', null);

  app.addHook('preHandler', async (request, reply) => {
    const token = request.cookies[cookies.sessionName];
    let expired = false;
    if (token) {
      const check = await validateSession(deps, { token, origin: requestOrigin(request) });
      if (check.status === 'valid') request.auth = check.value;
      else {
        expired = check.status === 'expired';
        reply.clearSessionCookie();
      }
    }
    enforceAccess(request, expired);
  });
});

function enforceAccess(request: FastifyRequest, expired: boolean): void {
  // Read once: Fastify builds a new routeOptions object on every access.
  const { url, config } = request.routeOptions;
  // Unmatched URLs (404s) have no route config and need no session.
  if (!url) return;
  const access = config.access ?? 'signed_in';
  if (access === 'public') return;
  if (!request.auth) throw new ApiError(expired ? 'session_expired' : 'not_authenticated');
  if (!stageAllowed(access, request.auth.session.stage)) throw new ApiError('stage_required');
  const roles = config.roles;
  if (roles && !roles.some((role) => request.auth?.user.roles.includes(role)))
    throw new ApiError('forbidden');
}
