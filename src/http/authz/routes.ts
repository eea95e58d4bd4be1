import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { REMOTE_USER_HEADERS } from '../../domain/remote-user-headers.js';
import { SESSION_STAGES, type SignInStage } from '../../domain/session-stage.js';
import { decideForwardAuth } from '../../services/forward-auth.js';
import { commonErrors, RoleSchema } from '../schemas.js';

/** Forward-auth for reverse proxies, and where the sign-in page may return to afterwards. */
export interface AuthzRoutesOptions {
  /** PUBLIC_URL's origin first (when set), then ALLOWED_RETURN_ORIGINS. */
  readonly returnOrigins: readonly string[];
}

/**
 * Every session, whatever its stage, reaches the handler: no session at all is answered 401 by
 * the authenticate plugin (not_authenticated, or session_expired after a timeout), and a
 * half-signed-in one gets 401 from the handler rather than stage_required's 403, which a proxy
 * would read as "signed in, but lacks the role".
 */
const ANY_SESSION = SESSION_STAGES.filter((stage): stage is SignInStage => stage !== 'anonymous');

const ForwardAuthQuery = Type.Object({ role: Type.Optional(RoleSchema) }, { additionalProperties: false });

export const authzRoutes: FastifyPluginAsyncTypebox<AuthzRoutesOptions> = async (app, { returnOrigins }) => {
  app.get(
    '/api/authz/forward-auth',
    {
      config: { access: ANY_SESSION },
      schema: {
        summary: 'Forward-auth for a reverse proxy: is the browser signed in (and does it hold the role)?',
        description: `200 with the user in the headers ${REMOTE_USER_HEADERS.join(', ')} (non-ASCII percent-encoded UTF-8); 401 not signed in; 403 role missing.`,
        querystring: ForwardAuthQuery,
        response: { 200: Type.Null({ description: 'The user is in the Remote-* headers.' }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const decision = decideForwardAuth(request.auth, request.query.role);
      if (decision.status === 'not_signed_in') throw new ApiError('not_authenticated');
      if (decision.status === 'missing_role') throw new ApiError('forbidden');
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
    async () => ({ origins: [...returnOrigins] }),
  );
};
