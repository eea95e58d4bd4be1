import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
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
    // Written through the server's logger (at its level, LOG_LEVEL), with the request id the
    // request's own logger would add: that logger is made only for a request that logs
    // something else (see below). The line's fields cost more than a disabled log call, so
    // they are built only when it logs.
    if (!INFO_LOGGED.has(app.log.level)) return done();
    app.log.info(
      {
        reqId: request.id,
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

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * A request's logger, made by pino only when it first writes: pino's child() runs the
 * redaction over its bindings, microseconds on every request, and most requests write nothing
 * but their request line (written above through the server's logger). Fastify's
 * `childLoggerFactory`.
 */
export const deferredRequestLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  parent,
  bindings,
  options,
) => new DeferredLogger(parent, bindings, options) as unknown as FastifyBaseLogger;

type ChildArguments = Parameters<FastifyBaseLogger['child']>;

class DeferredLogger {
  #child: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: ChildArguments[0],
    private readonly options: NonNullable<ChildArguments[1]>,
  ) {}
  private made(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }
  private write(level: LogLevel, args: unknown[]): void {
    const logger = this.made();
    Reflect.apply(logger[level], logger, args);
  }
  get level(): string {
    // A route's own logLevel comes as options.level; without one the child inherits the server's.
    return this.#child?.level ?? this.options.level ?? this.parent.level;
  }
  set level(level: string) {
    this.made().level = level;
  }
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(...args: unknown[]): void {
    this.write('silent', args);
  }
  child(...args: ChildArguments): FastifyBaseLogger {
    return this.made().child(...args);
  }
}
