import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../services/context.js';

/** The caller's IP (x-forwarded-for only under TRUST_PROXY, via Fastify's trustProxy) and user agent. */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '').slice(0, 512) };
}
