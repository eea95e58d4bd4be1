import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { PASSWORD_RULES, passwordRequirements } from '../../domain/password-policy.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import { revealsAccount } from '../../domain/session-stage.js';
import { changeOwnPassword } from '../../services/passwords/change-password.js';
import type { ServiceDeps } from '../../services/context.js';
import { passwordContextFor } from '../../services/passwords/new-password.js';
import { sessionOf } from '../access.js';
import { newPasswordError } from '../password-errors.js';
import { requestOrigin } from '../request-origin.js';
import { SecuritySettingsSchema } from '../practice/security-settings.route.js';
import { commonErrors, ErrorResponse, LIMITS } from '../schemas.js';

/** The signed-in user's password: the practice's requirements, and Change Your Password. */
export const PasswordPolicyResponse = Type.Object({
  policy: SecuritySettingsSchema.properties.passwordPolicy,
  requirements: Type.Array(Type.Object({ rule: Type.Enum(PASSWORD_RULES), text: Type.String() })),
  /** Words the password must not be built on (the user's names, the practice's), for the live checklist; empty before sign-in ends. */
  contextWords: Type.Array(Type.String()),
});

export const mePasswordRoutes: FastifyPluginAsyncTypebox<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.get(
    '/api/me/password-policy',
    {
      // Also read by the forced password change of a sign-in, which gets the rules only.
      config: { access: ['signed_in', 'password_change'] },
      schema: {
        summary: 'The password requirements that apply to the caller, as a list to render',
        response: { 200: PasswordPolicyResponse, ...commonErrors },
      },
    },
    async (request) => {
      const { session, user, practice } = sessionOf(request);
      const policy = practice.settings.passwordPolicy;
      return {
        policy,
        requirements: passwordRequirements(policy),
        contextWords: revealsAccount(session.stage)
          ? [...passwordContextFor(practice, user).contextWords]
          : [],
      };
    },
  );

  app.post(
    '/api/me/password',
    {
      config: { rateLimit: RATE_LIMITS.reauthenticate },
      schema: {
        summary: 'Change Your Password',
        body: Type.Object(
          {
            currentPassword: Type.String({ maxLength: LIMITS.password }),
            newPassword: Type.String({ maxLength: LIMITS.password }),
            confirmPassword: Type.String({ maxLength: LIMITS.password }),
            signOutOtherSessions: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ status: Type.Literal('password_changed'), otherSessionsEnded: Type.Integer() }),
          422: ErrorResponse,
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const { signOutOtherSessions, ...fields } = request.body;
      const result = await changeOwnPassword(deps, {
        ...fields,
        signOutOtherSessions: signOutOtherSessions ?? true,
        auth: sessionOf(request),
        origin: requestOrigin(request),
      });
      if (!result.ok) {
        const { problem } = result;
        if (problem.reason === 'invalid_current_password' || problem.reason === 'account_locked')
          throw new ApiError(problem.reason);
        throw newPasswordError(problem);
      }
      return { status: 'password_changed' as const, otherSessionsEnded: result.otherSessionsEnded };
    },
  );
};
