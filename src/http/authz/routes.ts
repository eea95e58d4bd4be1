import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { REMOTE_USER_HEADERS } from '../../domain/remote-user-headers.js';
import { signInPageFor } from '../../domain/return-to.js';
import { decideForwardAuth } from '../../services/apps/forward-auth.js';
import { commonErrors, RoleSchema } from '../schemas.js';

/** Forward-auth for reverse proxies, and where the sign-in page may return to afterwards. */
export interface AuthzRoutesOptions {
  /** PUBLIC_URL's origin, when set. */
  readonly ownOrigin: string | undefined;
  /** ALLOWED_RETURN_ORIGINS. */
  readonly allowedOrigins: readonly string[];
}

const ForwardAuthQuery = Type.Object({ role: Type.Optional(RoleSchema) }, { additionalProperties: false });

export const authzRoutes: FastifyPluginAsyncTypebox<AuthzRoutesOptions> = async (
  app,
  { ownOrigin, allowedOrigins },
) => {
  app.get(
    '/api/authz/forward-auth',
    {
      // Public, so that no session, an ended one and a half-signed-in one all reach the handler
      // and get the same 401 with the sign-in page in Location; stage_required's 403 would read
      // to a proxy as "signed in, lacks the role".
      config: { access: 'public' },
      schema: {
        summary: 'Forward-auth for a reverse proxy: is the browser signed in (and does it hold the role)?',
        description:
          `200 with the user in ${REMOTE_USER_HEADERS.join(', ')} (beyond ASCII: percent-encoded UTF-8); ` +
          '401 not signed in, with Location: the sign-in page (returnTo = X-Original-URL when allowed); ' +
          '403 role missing.',
        querystring: ForwardAuthQuery,
        response: {
          200: Type.Null({ description: 'The user is in the Remote-* headers.' }),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const decision = decideForwardAuth(request.auth, request.query.role);
      if (decision.status === 'missing_role') throw new ApiError('forbidden');
      if (decision.status === 'not_signed_in') {
        const originalUrl = request.headers['x-original-url'];
        if (ownOrigin !== undefined)
          void reply.header(
            'location',
            signInPageFor(
              typeof originalUrl === 'string' ? originalUrl : undefined,
              ownOrigin,
              allowedOrigins,
            ),
          );
        throw new ApiError('not_authenticated');
      }
      return reply.headers(decision.headers).send(null);
    },
  );

  app.get(
    '/api/authz/return-origins',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Origins the sign-in page may return to (`/login?returnTo=`) besides its own',
        response: { 200: Type.Object({ origins: Type.Array(Type.String()) }) },
      },
    },
    async () => ({ origins: [...new Set([...(ownOrigin ? [ownOrigin] : []), ...allowedOrigins])] }),
  );
};
