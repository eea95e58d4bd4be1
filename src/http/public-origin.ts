import type { FastifyRequest } from 'fastify';

/**
 * The origin for links in email (R4): PUBLIC_URL when configured, else this server's own
 * loopback address and port. Never the request's Host header, which a caller controls.
 */
export function publicOrigin(request: FastifyRequest, publicUrl: URL | undefined): string {
  if (publicUrl) return publicUrl.origin;
  const address = request.server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 80;
  return `http://127.0.0.1:${port}`;
}
