import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { completeSecondFactor } from '../../services/two-factor-sign-in.js';
import { findTwoFactorStatus } from '../../store/two-factor-store.js';
import { sessionOf } from '../access.js';
import type { CookiePolicy } from '../cookies.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, Stage } from '../schemas.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import { CodeField, type TwoFactorRoutesOptions } from './me-two-factor.routes.js';

export interface TwoFactorSignInOptions extends TwoFactorRoutesOptions {
  /** For the "remember this browser" cookie. */
  readonly cookies: CookiePolicy;
}

/** Sign-in step two: `POST /api/auth/two-factor` with a TOTP or recovery code (stage two_factor only). */
export const twoFactorSignInRoutes: FastifyPluginAsyncTypebox<TwoFactorSignInOptions> = async (
  app,
  { deps, cookies },
) => {
  app.get(
    '/api/auth/two-factor',
    {
      config: { access: 'two_factor' },
      schema: {
        summary: 'What the second-factor step offers: remembering the browser, passkeys',
        response: {
          200: Type.Object({ rememberBrowserDays: Type.Integer(), passkeys: Type.Boolean() }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const { user, practice } = sessionOf(request);
      const status = await findTwoFactorStatus(deps.store.db, user.id);
      return { rememberBrowserDays: practice.settings.rememberBrowserDays, passkeys: status.passkeys > 0 };
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
      const result = await completeSecondFactor(
        deps,
        sessionOf(request),
        request.body,
        requestOrigin(request),
      );
      if (!result.ok) throw new ApiError('invalid_code');
      setSignInCookies(reply, cookies, result, now);
      return { next: result.stage };
    },
  );
};

/** After a passed second factor: the new session cookie, and the remembered-browser cookie when asked for. */
export function setSignInCookies(
  reply: FastifyReply,
  cookies: CookiePolicy,
  result: {
    readonly token: string;
    readonly remembered: { readonly token: string; readonly expiresAt: number } | undefined;
  },
  now: number,
): void {
  reply.setSessionCookie(result.token);
  if (result.remembered) {
    reply.setCookie(cookies.rememberName, result.remembered.token, {
      ...cookies.remember,
      maxAge: Math.floor((result.remembered.expiresAt - now) / 1000),
    });
  }
}
