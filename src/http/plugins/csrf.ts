import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../../domain/errors.js';
import { constantTimeEqual, generateToken } from '../../domain/secret-token.js';
import type { CookiePolicy } from '../cookies.js';

/**
 * CSRF double submit (SECURITY-CHECKLIST C2). Any GET without the readable `gh_csrf` cookie
 * gets one; every POST/PUT/PATCH/DELETE must echo it in `x-csrf-token`, and when an Origin
 * header is present it must be our own origin, else 403 `csrf_failed`. GET never changes state.
 */
export interface CsrfOptions {
  readonly cookies: CookiePolicy;
  /** Decides whether an Origin header value is ours. */
  readonly isOwnOrigin: (origin: string, request: FastifyRequest) => boolean;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const csrf = fp(async function csrf(app: FastifyInstance, options: CsrfOptions) {
  const { cookies, isOwnOrigin } = options;
  app.addHook('onRequest', (request, reply, done) => {
    const cookieToken = request.cookies[cookies.csrfName];
    if (!UNSAFE_METHODS.has(request.method)) {
      if (!cookieToken) reply.setCookie(cookies.csrfName, generateToken(), cookies.csrf);
      return done();
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request)) return done(new ApiError('csrf_failed'));
    const headerToken = request.headers['x-csrf-token'];
    if (!cookieToken || typeof headerToken !== 'string' || !constantTimeEqual(cookieToken, headerToken)) {
      return done(new ApiError('csrf_failed'));
    }
    done();
  });
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * With PUBLIC_URL set, only its origin is ours. Without it (a local install) any loopback
 * name on the port the request came to is ours, so 127.0.0.1 and localhost both work.
 */
export function ownOriginCheck(publicUrl: URL | undefined): CsrfOptions['isOwnOrigin'] {
  if (publicUrl) return (origin) => origin === publicUrl.origin;
  return (origin, request) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    const requestPort = String(request.socket.localPort ?? '');
    const originPort = url.port || (url.protocol === 'https:' ? '443' : '80');
    return LOOPBACK_HOSTS.has(url.hostname) && originPort === requestPort;
  };
}
