import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { carryGatehouseSession, OIDC_PREFIX } from '../../oidc/provider.js';
import { requestOrigin } from '../request-origin.js';

/**
 * The OpenID Connect provider under /oidc (discovery, JWKS, authorization, token, userinfo,
 * revocation, introspection, end_session). Its requests go to the provider untouched: the
 * body unread (the provider parses its own forms), no Gatehouse CSRF token (apps call the
 * token endpoint server to server; the provider protects its browser forms itself), the
 * prefix moved to originalUrl as a mounted app expects.
 * /oidc/interaction/… is ours (http/oidc/interaction.routes.ts).
 */
export interface OidcProviderRoutesOptions {
  readonly provider: Provider;
}

export const oidcProviderRoutes: FastifyPluginAsync<OidcProviderRoutesOptions> = async (
  app,
  { provider },
) => {
  const callback = provider.callback();
  // Leave every body to the provider.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  const config = { access: 'public', csrf: 'exempt' } as const;

  const handOver = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    carryGatehouseSession(request.raw, request.auth, requestOrigin(request));
    const raw = request.raw as typeof request.raw & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = (raw.url ?? '/').slice(OIDC_PREFIX.length) || '/';
    callback(raw, reply.raw);
  };
  app.all(`${OIDC_PREFIX}/*`, { config, schema: { hide: true } }, async (request, reply) =>
    handOver(request, reply),
  );
};
