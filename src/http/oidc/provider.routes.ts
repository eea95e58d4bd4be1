import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { ServiceDeps } from '../../services/context.js';
import { FIRST_PARTY_METADATA, PRACTICE_METADATA } from '../../services/apps/oidc-clients.js';
import { appSignInOf, findAppPractice, recordAppSignIn } from '../../services/apps/oidc-sign-in.js';
import { carryGatehouseSession, OIDC_PREFIX } from '../../oidc/provider.js';
import { requestOrigin } from '../request-origin.js';

/**
 * The OpenID Connect provider under /oidc (discovery, JWKS, authorization, token, userinfo,
 * revocation, introspection, end_session). Its requests go to the provider untouched: the
 * body unread (the provider parses its own forms), no Gatehouse CSRF token (apps call the
 * token endpoint server to server; the provider protects its browser forms itself), the
 * prefix moved to originalUrl as a mounted app expects.
 *
 * /oidc/interaction/:uid is ours: the provider sends the browser there to sign in. A Gatehouse
 * session of the app's practice finishes it at once (single sign-on) unless the app asked for a
 * fresh sign-in; otherwise the browser goes to the sign-in page with the practice fixed, which
 * comes back here when the stages are done.
 */
export interface OidcProviderRoutesOptions {
  readonly deps: ServiceDeps;
  readonly provider: Provider;
}

export const oidcProviderRoutes: FastifyPluginAsync<OidcProviderRoutesOptions> = async (
  app,
  { deps, provider },
) => {
  const callback = provider.callback();
  // Leave every body to the provider.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  const config = { access: 'public', csrf: 'exempt' } as const;

  const handOver = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    carryGatehouseSession(request.raw, request.auth);
    const raw = request.raw as typeof request.raw & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = (raw.url ?? '/').slice(OIDC_PREFIX.length) || '/';
    callback(raw, reply.raw);
  };
  app.all(`${OIDC_PREFIX}/*`, { config, schema: { hide: true } }, async (request, reply) =>
    handOver(request, reply),
  );

  app.get(`${OIDC_PREFIX}/interaction/:uid`, { config, schema: { hide: true } }, async (request, reply) => {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    const client = await provider.Client.find(String(details.params.client_id));
    const practice =
      client && (await findAppPractice(deps, { practiceId: String(client[PRACTICE_METADATA]) }));
    if (!client || !practice)
      return reply
        .status(400)
        .send({ error: { code: 'invalid_request', message: 'This app is no longer registered.' } });
    const reasons = details.prompt.reasons;
    const freshSince =
      reasons.includes('login_prompt') || reasons.includes('max_age') ? details.iat * 1000 : undefined;
    const signIn = appSignInOf(request.auth, practice.id, freshSince);
    if (!signIn || !request.auth) {
      const returnTo = `${OIDC_PREFIX}/interaction/${details.uid}`;
      const query = new URLSearchParams({ practice: practice.code, returnTo });
      return reply.redirect(`/login?${query.toString()}`, 303);
    }
    if (details.prompt.name === 'consent' && client[FIRST_PARTY_METADATA] !== true)
      return reply.status(403).send({
        error: {
          code: 'forbidden',
          message: 'This app needs your consent, which Gatehouse cannot ask for yet.',
        },
      });
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId: signIn.accountId, clientId: client.clientId });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await recordAppSignIn(deps, {
      auth: request.auth,
      origin: requestOrigin(request),
      app: { name: client.clientName ?? client.clientId, clientId: client.clientId, grantId },
    });
    reply.hijack();
    await provider.interactionFinished(request.raw, reply.raw, {
      login: { accountId: signIn.accountId, amr: [...signIn.amr], ts: signIn.authTime, remember: true },
      consent: { grantId },
    });
  });
};
