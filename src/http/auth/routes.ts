import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import { revealsAccount } from '../../domain/session-stage.js';
import type { ServiceDeps } from '../../services/context.js';
import {
  keepSessionAlive,
  logout,
  sessionDeadlines,
  type ValidSession,
} from '../../services/sessions/sessions.js';
import { login } from '../../services/sign-in/sign-in.js';
import type { CookiePolicy } from '../cookies.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';
import { issueSession } from '../session-cookie.js';
import {
  commonErrors,
  LIMITS,
  NO_CONTROL_CHARACTERS,
  SessionInfo,
  SessionTimes,
  Stage,
  toPublicUser,
} from '../schemas.js';

/** Sign-in: where the caller stands, the password step, and logout. */
export interface AuthRoutesOptions {
  readonly deps: ServiceDeps;
  readonly cookies: CookiePolicy;
}

const LoginBody = Type.Object(
  {
    practiceCode: Type.String({
      minLength: 1,
      maxLength: LIMITS.practiceCode,
      pattern: NO_CONTROL_CHARACTERS,
    }),
    username: Type.String({ minLength: 1, maxLength: LIMITS.username, pattern: NO_CONTROL_CHARACTERS }),
    password: Type.String({ minLength: 1, maxLength: LIMITS.password }),
  },
  { additionalProperties: false },
);

function sessionTimes(auth: ValidSession) {
  const deadlines = sessionDeadlines(auth);
  return {
    idleTimeoutMinutes: auth.practice.settings.idleTimeoutMinutes,
    idleExpiresAt: new Date(deadlines.idle).toISOString(),
    absoluteExpiresAt: new Date(deadlines.absolute).toISOString(),
  };
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { deps, cookies }) => {
  app.get(
    '/api/auth/session',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Where the caller stands in signing in',
        response: { 200: SessionInfo },
      },
    },
    async (request) => {
      const auth = request.auth;
      if (!auth) return { stage: 'anonymous' as const, user: null };
      // A step's page needs only its stage; it learns the account once signed in.
      if (!revealsAccount(auth.session.stage)) return { stage: auth.session.stage, user: null };
      return {
        stage: auth.session.stage,
        user: toPublicUser(auth.user, auth.practice),
        ...sessionTimes(auth),
      };
    },
  );

  app.post(
    '/api/auth/keep-alive',
    {
      schema: {
        summary: 'Stay signed in: mark the session as used now',
        response: { 200: SessionTimes, ...commonErrors },
      },
    },
    async (request) => sessionTimes(await keepSessionAlive(deps, { auth: sessionOf(request) })),
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: RATE_LIMITS.login },
      schema: {
        summary: 'Sign in with practice code, user name and password',
        body: LoginBody,
        response: { 200: Type.Object({ next: Stage }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await login(deps, {
        ...request.body,
        origin: requestOrigin(request),
        rememberedBrowserToken: request.cookies[cookies.rememberName],
      });
      if (!result.ok) {
        if (result.lockedUntil !== undefined)
          throw new ApiError('account_locked', undefined, {
            lockedUntil: new Date(result.lockedUntil).toISOString(),
          });
        throw new ApiError(result.reason === 'ip_not_allowed' ? 'ip_not_allowed' : 'invalid_credentials');
      }
      // A sign-in replaces whatever session this browser had.
      if (request.auth) await logout(deps, { auth: request.auth, origin: requestOrigin(request) });
      return issueSession(reply, cookies, result, deps.clock.now());
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'public' },
      schema: { summary: 'Sign out of this browser', response: { 204: Type.Null(), ...commonErrors } },
    },
    async (request, reply) => {
      if (request.auth) await logout(deps, { auth: request.auth, origin: requestOrigin(request) });
      reply.clearSessionCookie();
      return reply.status(204).send(null);
    },
  );
};
