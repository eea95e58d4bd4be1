import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, type ApiErrorCode } from '../../domain/errors.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import { beginTotpSetup, confirmTotpSetup } from '../../services/two-factor/two-factor-enrollment.js';
import type { TwoFactorDeps } from '../../services/two-factor/two-factor-deps.js';
import {
  disableTwoFactor,
  findOwnTwoFactorStatus,
  regenerateRecoveryCodes,
  type ManageFailure,
} from '../../services/two-factor/two-factor-management.js';
import { ownRequest, sessionOf, type RouteAccess } from '../access.js';
import type { CookiePolicy } from '../cookies.js';
import { issueSession } from '../session-cookie.js';
import { commonErrors, ErrorResponse, LIMITS } from '../schemas.js';
import { RecoveryCodes, TotpSetup, TwoFactorStatus } from './two-factor-schemas.js';

/** The signed-in user's own two-factor authentication: status, enrolment, turning off, recovery codes. */
export interface TwoFactorRoutesOptions {
  readonly deps: TwoFactorDeps;
  /** For the session cookie a finished step issues (and "remember this browser"). */
  readonly cookies: CookiePolicy;
}

const strict = { additionalProperties: false } as const;
const CurrentPasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: LIMITS.password }) },
  strict,
);
/**
 * Setup's password is optional in the schema only: the service asks for it in every stage but
 * the forced enrolment right after the password (domain/session-stage.ts `stageProvesPassword`).
 */
const SetupBody = Type.Object(
  { currentPassword: Type.Optional(CurrentPasswordBody.properties.currentPassword) },
  strict,
);
/** Room for a code typed with spaces or dashes; the services decide what it is. */
export const CodeField = Type.String({ minLength: 1, maxLength: 64 });
const errors = { ...commonErrors, 409: ErrorResponse };

const MANAGE_ERRORS: Record<ManageFailure, ApiErrorCode> = {
  invalid_current_password: 'invalid_current_password',
  account_locked: 'account_locked',
  not_enabled: 'two_factor_not_enabled',
  required_by_practice: 'two_factor_required',
};

/** Setup and confirm serve both the Profile and the sign-in stage a practice requirement forces. */
const ENROLMENT_ACCESS: RouteAccess = ['signed_in', 'two_factor_enrollment'];

export const meTwoFactorRoutes: FastifyPluginAsyncTypebox<TwoFactorRoutesOptions> = async (
  app,
  { deps, cookies },
) => {
  app.get(
    '/api/me/two-factor',
    {
      schema: {
        summary: 'Whether two-factor authentication is on, recovery codes left, passkeys',
        response: {
          200: TwoFactorStatus,
          ...errors,
        },
      },
    },
    async (request) => {
      const auth = sessionOf(request);
      const status = await findOwnTwoFactorStatus(deps, { auth });
      return { ...status, rememberBrowserDays: auth.practice.settings.rememberBrowserDays };
    },
  );

  app.post(
    '/api/me/two-factor/totp/setup',
    {
      config: { access: ENROLMENT_ACCESS, rateLimit: RATE_LIMITS.reauthenticate },
      schema: {
        summary:
          'Start enrolling an authenticator app (needs the current password, except in stage two_factor_enrollment)',
        body: SetupBody,
        response: {
          200: TotpSetup,
          ...errors,
        },
      },
    },
    async (request) => {
      const result = await beginTotpSetup(deps, {
        ...ownRequest(request),
        currentPassword: request.body.currentPassword,
      });
      if (result.ok)
        return { secret: result.secret, otpauthUri: result.otpauthUri, qrCodeSvg: result.qrCodeSvg };
      if (result.reason === 'current_password_required')
        throw new ApiError('invalid_request', 'Enter your current password.');
      throw new ApiError(result.reason === 'already_enabled' ? 'two_factor_already_enabled' : result.reason);
    },
  );

  app.post(
    '/api/me/two-factor/totp/confirm',
    {
      config: { access: ENROLMENT_ACCESS },
      schema: {
        summary: 'Finish enrolling with a code from the app; returns the recovery codes once',
        body: Type.Object({ code: CodeField }, strict),
        response: {
          200: RecoveryCodes,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const result = await confirmTotpSetup(deps, { ...ownRequest(request), code: request.body.code });
      if (!result.ok) {
        if (result.reason === 'invalid_code')
          throw new ApiError(
            'invalid_code',
            'That code is not valid. Enter the current code from your authenticator app.',
          );
        throw new ApiError(
          result.reason === 'no_setup' ? 'two_factor_setup_required' : 'two_factor_already_enabled',
        );
      }
      if (!result.session) return { recoveryCodes: [...result.recoveryCodes] };
      const { next } = issueSession(reply, cookies, result.session, deps.clock.now());
      return { recoveryCodes: [...result.recoveryCodes], next };
    },
  );

  app.delete(
    '/api/me/two-factor',
    {
      config: { rateLimit: RATE_LIMITS.reauthenticate },
      schema: {
        summary: 'Turn two-factor authentication off (needs the current password)',
        body: CurrentPasswordBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const result = await disableTwoFactor(deps, {
        ...ownRequest(request),
        currentPassword: request.body.currentPassword,
      });
      if (!result.ok) throw new ApiError(MANAGE_ERRORS[result.reason]);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/me/two-factor/recovery-codes',
    {
      config: { rateLimit: RATE_LIMITS.reauthenticate },
      schema: {
        summary: 'Replace the recovery codes with a new set (needs the current password)',
        body: CurrentPasswordBody,
        response: { 200: Type.Object({ recoveryCodes: RecoveryCodes.properties.recoveryCodes }), ...errors },
      },
    },
    async (request) => {
      const result = await regenerateRecoveryCodes(deps, {
        ...ownRequest(request),
        currentPassword: request.body.currentPassword,
      });
      if (!result.ok) throw new ApiError(MANAGE_ERRORS[result.reason]);
      return { recoveryCodes: [...result.recoveryCodes] };
    },
  );
};
