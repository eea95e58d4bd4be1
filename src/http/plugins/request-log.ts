import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * One line per answered request: request id, method, path, route pattern, status and time.
 * Never headers, cookies, bodies or query strings, so no secret can reach the log through a
 * request. Every line a request logs carries its id (`reqId`), which the answer echoes in
 * `x-request-id` so a user's report or a proxy's log leads to the server's lines.
 */
export const requestLog = fp(async function requestLog(app: FastifyInstance) {
  // Callback-style hooks here and in the other plugins that run on every request: an async
  // hook costs a promise and a trip through the microtask queue per request.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The line's fields cost more than a disabled log call; build them only when it logs.
    if (!INFO_LOGGED.has(request.log.level)) return done();
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
});

/** Levels at which an `info` line is written. */
const INFO_LOGGED = new Set(['trace', 'debug', 'info']);

/** A caller's id of 1–64 letters, digits, `.`, `_` or `-` (a UUID, nginx's $request_id); nothing else. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request's id: the incoming `x-request-id` (set by a proxy in front) when it is a short
 * safe token, else a new UUID. A longer or stranger value could carry text into the logs, so
 * it is replaced rather than trusted.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
