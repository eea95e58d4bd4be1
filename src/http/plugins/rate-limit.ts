import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../../domain/errors.js';
import { foldIdentifier } from '../../domain/identifiers.js';
import {
  rateLimitKey,
  type RateLimitPolicy,
  type RateLimitRule,
  type RateLimitScope,
} from '../../domain/rate-limits.js';
import type { ServiceDeps } from '../../services/context.js';
import {
  createRateLimiter,
  type RateLimitBucket,
  type RateLimitHit,
} from '../../services/operations/rate-limiter.js';

/**
 * Per-route rate limits, as @fastify/rate-limit does it: a route opts in with
 * `config: { rateLimit: RATE_LIMITS.forgotPassword }` and this plugin's onRoute hook adds, to
 * that route only, the hit taken before the work (preHandler, after body validation and
 * authentication; 429 when a bucket is full) and the hit given back when the answer's status
 * does not count (onSend). Counters: database-backed and count first, see
 * services/operations/rate-limiter.ts; policies and numbers: domain/rate-limits.ts.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Limits on this route; absent, none. */
    rateLimit?: RateLimitPolicy;
  }
}

export interface RateLimitOptions {
  readonly deps: Pick<ServiceDeps, 'store' | 'clock'>;
  /** false turns every limit off (only for tests that measure something else). */
  readonly enabled: boolean;
  /** Told the policy's name each time a limit refuses a request (for /metrics). */
  readonly onLimited?: (limit: string) => void;
  /**
   * Told of a bucket's first refusal in its window (once per IP or account per window, however
   * many requests are refused), so the refusals can be summarised as one event.
   */
  readonly onFirstRefusal?: (refusal: FirstRefusal) => Promise<void>;
}

export interface FirstRefusal {
  readonly policy: RateLimitPolicy;
  readonly rule: RateLimitRule;
  readonly windowEnd: number;
  readonly request: FastifyRequest;
}

export const rateLimit = fp(async function rateLimit(app: FastifyInstance, options: RateLimitOptions) {
  if (!options.enabled) return;
  const limiter = createRateLimiter(options.deps);
  const taken = new WeakMap<FastifyRequest, readonly RateLimitHit[]>();

  app.addHook('onRoute', (route) => {
    const policy = route.config?.rateLimit;
    if (!policy) return;
    const take: preHandlerHookHandler = async (request, reply) => {
      const result = await limiter.take(bucketsFor(policy, request));
      if (!result.ok) {
        options.onLimited?.(policy.name);
        if (result.firstRefusal && options.onFirstRefusal)
          await options.onFirstRefusal({ policy, ...result.firstRefusal, request });
        void reply.header('retry-after', String(result.retryAfterSeconds));
        throw new ApiError('rate_limited');
      }
      taken.set(request, result.hits);
    };
    const giveBack: onSendHookHandler = async (request, reply: FastifyReply) => {
      const hits = taken.get(request);
      const status = reply.statusCode;
      // A 5xx keeps its hit: the request may have done its work (checked a password) before failing.
      if (!hits || !policy.countStatuses || policy.countStatuses.includes(status) || status >= 500) return;
      try {
        await limiter.giveBack(hits);
      } catch (error) {
        // The answer is already decided; a hit not given back must not turn it into a 500.
        request.log.warn({ err: { message: (error as Error).message } }, 'rate limit hit not given back');
      }
    };
    route.preHandler = [...asArray(route.preHandler), take];
    route.onSend = [...asArray(route.onSend), giveBack];
  });
});

function asArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** The counters a request touches: one per rule whose scope the request names. */
function bucketsFor(policy: RateLimitPolicy, request: FastifyRequest): RateLimitBucket[] {
  return policy.rules.flatMap((rule) => {
    const value = scopeValue(rule.scope, request);
    return value === undefined ? [] : [{ key: rateLimitKey(policy.name, rule.scope, value), rule }];
  });
}

function scopeValue(scope: RateLimitScope, request: FastifyRequest): string | undefined {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  switch (scope) {
    case 'ip':
      return request.ip;
    case 'account':
      return typeof body.practiceCode === 'string' && typeof body.username === 'string'
        ? `${foldIdentifier(body.practiceCode)}\n${foldIdentifier(body.username)}`
        : undefined;
    case 'email':
      return typeof body.email === 'string' ? foldIdentifier(body.email) : undefined;
    case 'user':
      return request.auth?.user.id;
  }
}
