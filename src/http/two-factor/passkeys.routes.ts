import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import {
  beginPasskeyRegistration,
  beginPasskeySignIn,
  finishPasskeyRegistration,
  finishPasskeySignIn,
  listOwnPasskeys,
  removePasskey,
  renameOwnPasskey,
  type CeremonyRequest,
} from '../../services/two-factor/passkeys.js';
import type { TwoFactorDeps } from '../../services/two-factor/two-factor-deps.js';
import type { Passkey } from '../../store/passkey-store.js';
import { ownRequest, sessionOf } from '../access.js';
import type { CookiePolicy } from '../cookies.js';
import { issueSession } from '../session-cookie.js';
import { commonErrors, ErrorResponse, IdParams, LIMITS, NO_CONTROL_CHARACTERS, Stage } from '../schemas.js';
import { relyingPartyFor } from './relying-party.js';
import { Passkey as PasskeyAnswer } from './two-factor-schemas.js';
import { RATE_LIMITS } from '../../domain/rate-limits.js';
import {
  AuthenticationResponseSchema,
  CeremonyOptions,
  RegistrationResponseSchema,
} from './webauthn-schemas.js';

/** Passkeys / security keys: register (current password), name, list, remove; and the sign-in step. */
export interface PasskeyRoutesOptions {
  readonly deps: TwoFactorDeps;
  readonly cookies: CookiePolicy;
  readonly publicUrl: URL | undefined;
}

const strict = { additionalProperties: false } as const;
const PasskeyName = Type.String({ minLength: 1, maxLength: 64, pattern: NO_CONTROL_CHARACTERS });
const errors = { ...commonErrors, 404: ErrorResponse, 409: ErrorResponse };

function toPublicPasskey(passkey: Passkey) {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: new Date(passkey.createdAt).toISOString(),
    lastUsedAt: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt).toISOString(),
  };
}

export const passkeyRoutes: FastifyPluginAsyncTypebox<PasskeyRoutesOptions> = async (
  app,
  { deps, cookies, publicUrl },
) => {
  const ceremony = (request: FastifyRequest): CeremonyRequest => ({
    ...ownRequest(request),
    rp: relyingPartyFor(publicUrl, request),
  });
  app.get(
    '/api/me/passkeys',
    {
      schema: {
        summary: 'The signed-in user’s passkeys and security keys',
        response: { 200: Type.Object({ items: Type.Array(PasskeyAnswer) }), ...errors },
      },
    },
    async (request) => {
      const passkeys = await listOwnPasskeys(deps, { auth: sessionOf(request) });
      return { items: passkeys.map(toPublicPasskey) };
    },
  );

  app.post(
    '/api/me/passkeys/registration-options',
    {
      config: { rateLimit: RATE_LIMITS.reauthenticate },
      schema: {
        summary: 'Start registering a passkey (needs the current password)',
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: LIMITS.password }) },
          strict,
        ),
        response: { 200: Type.Object({ options: CeremonyOptions }), ...errors },
      },
    },
    async (request) => {
      const result = await beginPasskeyRegistration(deps, {
        ...ceremony(request),
        currentPassword: request.body.currentPassword,
      });
      if (result.ok) return { options: result.options };
      if (result.reason === 'not_enabled')
        throw new ApiError(
          'two_factor_not_enabled',
          'Turn on two-factor authentication with an authenticator app before adding a passkey.',
        );
      throw new ApiError(result.reason);
    },
  );

  app.post(
    '/api/me/passkeys',
    {
      schema: {
        summary: 'Finish registering a passkey',
        body: Type.Object({ name: PasskeyName, response: RegistrationResponseSchema }, strict),
        response: { 201: PasskeyAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const result = await finishPasskeyRegistration(deps, { ...ceremony(request), ...request.body });
      if (!result.ok)
        throw new ApiError('invalid_request', 'The passkey could not be verified. Start adding it again.');
      return reply.status(201).send(toPublicPasskey(result.passkey));
    },
  );

  app.patch(
    '/api/me/passkeys/:id',
    {
      schema: {
        summary: 'Rename a passkey',
        params: IdParams,
        body: Type.Object({ name: PasskeyName }, strict),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const renamed = await renameOwnPasskey(deps, {
        ...ownRequest(request),
        id: request.params.id,
        name: request.body.name,
      });
      if (!renamed) throw new ApiError('not_found', 'No passkey with this id.');
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/me/passkeys/:id',
    {
      schema: { summary: 'Remove a passkey', params: IdParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      if (!(await removePasskey(deps, { ...ownRequest(request), id: request.params.id })))
        throw new ApiError('not_found', 'No passkey with this id.');
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/two-factor/passkey/options',
    {
      config: { access: 'two_factor' },
      schema: {
        summary: 'Second factor with a passkey: the challenge',
        response: { 200: Type.Object({ options: CeremonyOptions }), ...errors },
      },
    },
    async (request) => {
      const options = await beginPasskeySignIn(deps, ceremony(request));
      if (!options)
        throw new ApiError('not_found', 'You have no passkey. Use a code from your authenticator app.');
      return { options };
    },
  );

  app.post(
    '/api/auth/two-factor/passkey',
    {
      config: { access: 'two_factor', rateLimit: RATE_LIMITS.twoFactor },
      schema: {
        summary: 'Second factor with a passkey: the signed challenge',
        body: Type.Object(
          { response: AuthenticationResponseSchema, rememberBrowser: Type.Boolean() },
          strict,
        ),
        response: { 200: Type.Object({ next: Stage }), ...errors },
      },
    },
    async (request, reply) => {
      const now = deps.clock.now();
      const result = await finishPasskeySignIn(deps, { ...ceremony(request), ...request.body });
      if (!result.ok)
        throw new ApiError('invalid_code', 'The passkey could not be verified. Try again or use a code.');
      return issueSession(reply, cookies, result, now);
    },
  );
};
