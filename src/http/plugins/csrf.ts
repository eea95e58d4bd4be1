import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { boundedCache } from '../../domain/bounded-cache.js';
import { csrfTokenFor, type CsrfBinding } from '../../domain/csrf-token.js';
import { ApiError } from '../../domain/errors.js';
import type { SecretKeys } from '../../domain/secret-box.js';
import { constantTimeEqual, generateToken } from '../../domain/secret-token.js';
import type { CookiePolicy } from '../cookies.js';

/**
 * CSRF (docs/requirements.md C2). The readable `gh_csrf` cookie (`__Host-gh_csrf` under https)
 * holds the token of the browser's session, or of its pre-session before sign-in
 * (domain/csrf-token.ts); every POST/PUT/PATCH/DELETE must send that token in `x-csrf-token`,
 * and when an Origin header is present it must be our own origin, else 403 `csrf_failed`.
 * Any GET whose cookie is missing or belongs to another session gets the right one. GET never
 * changes state.
 *
 * The session cookie is set and cleared only through `reply.setSessionCookie` and
 * `reply.clearSessionCookie`, so every new session id (sign-in, each later stage, sign-out, an
 * expired cookie) hands the browser its new token in the same answer.
 */
export interface CsrfOptions {
  readonly cookies: CookiePolicy;
  /**
   * deriveCsrfKey of each secret key, as in fastify-cookie's signer: the first makes tokens,
   * every one is accepted, so a key rotation does not refuse the tokens browsers hold.
   */
  readonly keys: SecretKeys;
  /** Decides whether an Origin header value is ours. */
  readonly isOwnOrigin: (origin: string, request: FastifyRequest) => boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'exempt': no CSRF token asked (the OpenID Connect provider's endpoints, http/oidc/,
     * which apps call server to server and whose browser forms the provider protects).
     */
    csrf?: 'exempt';
  }
  interface FastifyReply {
    /** Gives the browser this session cookie and the CSRF token bound to it. */
    setSessionCookie(token: string): FastifyReply;
    /** Removes the session cookie and binds the browser to a new pre-session. */
    clearSessionCookie(): FastifyReply;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sessions and pre-sessions whose current token is kept (about 100 bytes each). */
const TOKEN_CACHE_SIZE = 10_000;
/** Session and pre-session cookie values are 43 characters (domain/secret-token.ts). */
const CACHED_VALUE_MAX_LENGTH = 64;

export const csrf = fp(async function csrf(app: FastifyInstance, options: CsrfOptions) {
  const { cookies, keys, isOwnOrigin } = options;
  const [key] = keys;
  // Every GET compares the browser's token with its session's: an HMAC is 4-5 µs, about a
  // fourteenth of a GET /api/me (bench/README.md, "Sign-in below the floor"), so each binding's
  // token under the current key is made once. Nothing in it goes stale: a token depends only on
  // the key and the cookie's value. Only values as long as ours are kept, so that made-up
  // cookies cannot fill memory.
  const tokensByBinding = boundedCache<string, string>(TOKEN_CACHE_SIZE);
  const currentToken = (binding: CsrfBinding) =>
    binding.value.length > CACHED_VALUE_MAX_LENGTH
      ? csrfTokenFor(key, binding)
      : tokensByBinding(`${binding.kind}:${binding.value}`, () => csrfTokenFor(key, binding));

  function bindingOf(request: FastifyRequest): CsrfBinding | undefined {
    const session = request.cookies[cookies.sessionName];
    if (session) return { kind: 'session', value: session };
    const preSession = request.cookies[cookies.preSessionName];
    return preSession ? { kind: 'pre_session', value: preSession } : undefined;
  }

  function bindTo(reply: FastifyReply, binding: CsrfBinding): void {
    reply.setCookie(cookies.csrfName, currentToken(binding), cookies.csrf);
  }

  function startPreSession(reply: FastifyReply): void {
    const value = generateToken();
    reply.setCookie(cookies.preSessionName, value, cookies.preSession);
    bindTo(reply, { kind: 'pre_session', value });
  }

  app.decorateReply('setSessionCookie', function (this: FastifyReply, token: string) {
    this.setCookie(cookies.sessionName, token, cookies.session);
    bindTo(this, { kind: 'session', value: token });
    return this;
  });
  app.decorateReply('clearSessionCookie', function (this: FastifyReply) {
    this.clearCookie(cookies.sessionName, cookies.session);
    startPreSession(this);
    return this;
  });

  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.csrf === 'exempt') return done();
    const binding = bindingOf(request);
    if (!UNSAFE_METHODS.has(request.method)) {
      if (!binding) startPreSession(reply);
      else if (request.cookies[cookies.csrfName] !== currentToken(binding)) bindTo(reply, binding);
      return done();
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, request)) return done(new ApiError('csrf_failed'));
    const headerToken = request.headers['x-csrf-token'];
    if (
      !binding ||
      typeof headerToken !== 'string' ||
      !(
        constantTimeEqual(currentToken(binding), headerToken) ||
        keys.slice(1).some((each) => constantTimeEqual(csrfTokenFor(each, binding), headerToken))
      )
    ) {
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
