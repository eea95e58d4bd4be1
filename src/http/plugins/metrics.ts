import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../../domain/errors.js';
import type { Metrics } from '../metrics.js';

/**
 * Times every answered request into the metrics, and serves them at GET /metrics.
 *
 * /metrics needs METRICS_TOKEN (`Authorization: Bearer <token>`); without the variable it is
 * off (404). It is not public because the counters answer questions the sign-in page refuses
 * to: a failed sign-in's reason (unknown user or wrong password) and a lockout would tell
 * whoever can read them whether a user name exists (docs/requirements.md T4, R1). It is not
 * merely bound to loopback because a reverse proxy on the same host makes every visitor
 * loopback.
 */
export interface MetricsOptions {
  readonly metrics: Metrics;
  /** METRICS_TOKEN; undefined turns /metrics off. */
  readonly token: string | undefined;
}

export const metricsEndpoint = fp(async function metricsEndpoint(
  app: FastifyInstance,
  options: MetricsOptions,
) {
  const { metrics, token } = options;
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest({
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
    done();
  });
  app.addHook('onClose', async () => metrics.close());

  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (token === undefined) throw new ApiError('not_found');
    if (!bearerMatches(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new ApiError(
        'not_authenticated',
        'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
      );
    }
    void reply.header('cache-control', 'no-store').type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
});

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer +(\S+)$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}
