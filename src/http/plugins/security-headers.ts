import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Response headers (docs/requirements.md C3, C4): a strict CSP with no inline script,
 * frame-ancestors 'none', HSTS only under https, no referrer leaks, and no caching of any
 * API answer (they carry personal and session data).
 *
 * The web app's pages get helmet's full set. API answers are JSON that no browser renders as a
 * page, so they get the set OWASP's REST Security Cheat Sheet asks of an API, which is stricter
 * where it matters (CSP `default-src 'none'`, X-Frame-Options DENY) and leaves out what only a
 * document uses (opener policy, origin-agent cluster, DNS prefetch, IE's download and XSS
 * switches): half the headers, on the answers a busy server sends most.
 *
 * helmet computes these headers from its options; they never depend on the request, so they
 * are computed once at start-up and set on every answer (per request, helmet re-parsed its
 * CSP directives: a few per cent of a small request's time).
 */
function helmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  };
}

/** The headers helmet sets for these options, captured by running it once. */
export function staticSecurityHeaders(https: boolean): Record<string, string> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string) => void headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
  };
  helmet(helmetOptions(https))(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return Object.fromEntries(headers);
}

/** The headers of every /api/ answer, given the pages' (whose HSTS, under https, they share). */
export function apiSecurityHeaders(page: Readonly<Record<string, string>>): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    ...(page['strict-transport-security']
      ? { 'strict-transport-security': page['strict-transport-security'] }
      : {}),
  };
}

export const securityHeaders = fp(async function securityHeaders(
  app: FastifyInstance,
  options: { https: boolean },
) {
  const pageHeaders = staticSecurityHeaders(options.https);
  const apiHeaders = apiSecurityHeaders(pageHeaders);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? apiHeaders : pageHeaders);
    done();
  });
});
