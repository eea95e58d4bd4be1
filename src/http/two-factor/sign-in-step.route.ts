import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { findOwnTwoFactorStatus } from '../../services/two-factor/two-factor-management.js';
import { completeSecondFactor } from '../../services/sign-in/two-factor-sign-in.js';
import { ownRequest, sessionOf } from '../access.js';
import { issueSession } from '../session-cookie.js';
import { commonErrors, Stage } from '../schemas.js';
import { SecondFactorOptions } from './two-factor-schemas.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import { CodeField, type TwoFactorRoutesOptions } from './me-two-factor.routes.js';

/** Sign-in step two: `POST /api/auth/two-factor` with a TOTP or recovery code (stage two_factor only). */
export const twoFactorSignInRoutes: FastifyPluginAsyncTypebox<TwoFactorRoutesOptions> = async (
  app,
  { deps, cookies },
) => {
  app.get(
    '/api/auth/two-factor',
    {
      config: { access: 'two_factor' },
      schema: {
        summary: 'What the second-factor step offers: remembering the browser, passkeys',
        response: { 200: SecondFactorOptions, ...commonErrors },
      },
    },
    async (request) => {
      const auth = sessionOf(request);
      const status = await findOwnTwoFactorStatus(deps, { auth });
      return {
        rememberBrowserDays: auth.practice.settings.rememberBrowserDays,
        passkeys: status.passkeys > 0,
      };
    },
  );

  app.post(
    '/api/auth/two-factor',
    {
      config: { access: 'two_factor', rateLimit: RATE_LIMITS.twoFactor },
      schema: {
        summary: 'Second factor: a code from the authenticator app or a recovery code',
        body: Type.Object(
          { code: CodeField, rememberBrowser: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ next: Stage }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const now = deps.clock.now();
      const result = await completeSecondFactor(deps, { ...ownRequest(request), ...request.body });
      if (!result.ok) throw new ApiError('invalid_code');
      return issueSession(reply, cookies, result, now);
    },
  );
};
