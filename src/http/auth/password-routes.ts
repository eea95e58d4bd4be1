import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import type { BackgroundWork } from '../../services/operations/background-work.js';
import type { ServiceDeps } from '../../services/context.js';
import { completeForcedPasswordChange } from '../../services/sign-in/forced-password-change.js';
import {
  requestPasswordReset,
  requestPracticeCodeReminder,
  resetPasswordWithToken,
} from '../../services/passwords/forgot-password.js';
import { sessionOf } from '../access.js';
import { newPasswordError } from '../password-errors.js';
import { publicOrigin } from '../public-origin.js';
import type { CookiePolicy } from '../cookies.js';
import { requestOrigin } from '../request-origin.js';
import { issueSession } from '../session-cookie.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import { commonErrors, ErrorResponse, LIMITS, NO_CONTROL_CHARACTERS, Stage } from '../schemas.js';

/**
 * Password steps outside a signed-in session: the forced change of a sign-in, forgotten
 * password (request + reset with the emailed token) and forgotten practice code. Requests
 * always answer 202, whatever exists (R1), and answer before any look-up: the per-account work
 * (token, event, email) runs queued in backgroundWork, so no timing tells an existing account
 * from an unknown one. Rate limits per account and IP are added by the protection feature
 * through route config.
 */
export interface PasswordAuthRoutesOptions {
  readonly deps: ServiceDeps;
  readonly publicUrl: URL | undefined;
  readonly backgroundWork: BackgroundWork;
  /** For the session cookie the forced password change issues. */
  readonly cookies: CookiePolicy;
}

const NewPasswordFields = {
  newPassword: Type.String({ maxLength: LIMITS.password }),
  confirmPassword: Type.String({ maxLength: LIMITS.password }),
};

/** The same answer whatever exists (R1). */
const AcceptedResponse = Type.Object({ status: Type.Literal('accepted') });
const ACCEPTED = { status: 'accepted' } as const;

/** Settles once the answer has left (or the caller has gone): 'close' comes in both cases. */
const answered = (reply: FastifyReply) => new Promise((resolve) => reply.raw.once('close', resolve));

const name = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: NO_CONTROL_CHARACTERS });

export const passwordAuthRoutes: FastifyPluginAsyncTypebox<PasswordAuthRoutesOptions> = async (
  app,
  { deps, publicUrl, backgroundWork, cookies },
) => {
  app.post(
    '/api/auth/password-change',
    {
      config: { access: 'password_change' },
      schema: {
        summary: 'Choose a new password during sign-in (temporary or expired password)',
        body: Type.Object(NewPasswordFields, { additionalProperties: false }),
        response: { 200: Type.Object({ next: Stage }), 422: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await completeForcedPasswordChange(deps, {
        ...request.body,
        auth: sessionOf(request),
        origin: requestOrigin(request),
      });
      if (!result.ok) {
        if (result.problem.reason === 'session_gone') throw new ApiError('session_expired');
        throw newPasswordError(result.problem);
      }
      return issueSession(reply, cookies, result, deps.clock.now());
    },
  );

  app.post(
    '/api/auth/forgot-password',
    {
      config: { access: 'public', rateLimit: RATE_LIMITS.forgotPassword },
      schema: {
        summary: 'Email a password reset link (same answer whether or not the account exists)',
        body: Type.Object(
          { practiceCode: name(LIMITS.practiceCode), username: name(LIMITS.username) },
          { additionalProperties: false },
        ),
        response: { 202: AcceptedResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const [origin, link] = [requestOrigin(request), publicOrigin(request, publicUrl)];
      backgroundWork.run(
        'password reset request',
        () => requestPasswordReset(deps, { ...request.body, origin, publicOrigin: link }),
        answered(reply),
      );
      return reply.status(202).send(ACCEPTED);
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      config: { access: 'public', rateLimit: RATE_LIMITS.resetPassword },
      schema: {
        summary: 'Set a new password with the emailed reset token',
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 128 }), ...NewPasswordFields },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ status: Type.Literal('password_reset') }),
          422: ErrorResponse,
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const result = await resetPasswordWithToken(deps, { ...request.body, origin: requestOrigin(request) });
      if (!result.ok) {
        if (result.problem.reason === 'invalid_token') throw new ApiError('invalid_token');
        throw newPasswordError(result.problem);
      }
      return { status: 'password_reset' as const };
    },
  );

  app.post(
    '/api/auth/forgot-practice-code',
    {
      config: { access: 'public', rateLimit: RATE_LIMITS.forgotPracticeCode },
      schema: {
        summary: 'Email the practice codes of accounts with this address (same answer whatever exists)',
        body: Type.Object({ email: name(254) }, { additionalProperties: false }),
        response: { 202: AcceptedResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const [origin, link] = [requestOrigin(request), publicOrigin(request, publicUrl)];
      backgroundWork.run(
        'practice code reminder',
        () => requestPracticeCodeReminder(deps, { ...request.body, origin, publicOrigin: link }),
        answered(reply),
      );
      return reply.status(202).send(ACCEPTED);
    },
  );
};
