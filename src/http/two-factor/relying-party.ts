import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import type { RelyingParty } from '../../services/two-factor/passkeys.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The WebAuthn relying party for a request: PUBLIC_URL's host and origin when set; without it
 * (a local install) the loopback origin the page was loaded from. Browsers accept a passkey
 * only for a domain name, so locally use http://localhost:PORT rather than 127.0.0.1.
 */
export function relyingPartyFor(publicUrl: URL | undefined, request: FastifyRequest): RelyingParty {
  if (publicUrl) return { id: publicUrl.hostname, origin: publicUrl.origin };
  const origin = request.headers.origin ?? `${request.protocol}://${request.host}`;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ApiError('invalid_request', 'Passkeys need the page’s origin.');
  }
  if (!LOOPBACK_HOSTS.has(url.hostname))
    throw new ApiError('invalid_request', 'Passkeys need PUBLIC_URL to be set on the server.');
  return { id: url.hostname, origin: url.origin };
}
