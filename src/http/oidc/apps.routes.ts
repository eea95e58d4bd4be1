import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { MAX_APP_URL_LENGTH } from '../../domain/app-url.js';
import { ApiError } from '../../domain/errors.js';
import type { ServiceDeps } from '../../services/context.js';
import {
  createApp,
  deleteApp,
  findApp,
  listApps,
  MAX_REDIRECT_URIS,
  rotateAppSecret,
  updateApp,
  type AppContext,
} from '../../services/apps/oidc-apps.js';
import type { OidcApp } from '../../store/oidc-app-store.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, ErrorResponse, IdParams, NO_CONTROL_CHARACTERS } from '../schemas.js';

/**
 * Settings > Connected Apps: a Practice Administrator's apps that sign in through Gatehouse
 * (docs/architecture.md "Apps signing in"). Other roles get 403; an app id of another practice is 404, never data (R7).
 * The client secret is in the answer of creation and rotation only.
 */
export const AppSchema = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()),
  backchannelLogoutUri: Type.Union([Type.String(), Type.Null()]),
  confidential: Type.Boolean(),
  firstParty: Type.Boolean(),
  createdAt: Type.String(),
});

function toAppJson(app: OidcApp) {
  return {
    id: app.id,
    clientId: app.clientId,
    name: app.name,
    redirectUris: [...app.redirectUris],
    postLogoutRedirectUris: [...app.postLogoutRedirectUris],
    backchannelLogoutUri: app.backchannelLogoutUri,
    confidential: app.confidential,
    firstParty: app.firstParty,
    createdAt: new Date(app.createdAt).toISOString(),
  };
}

const Url = Type.String({ minLength: 1, maxLength: MAX_APP_URL_LENGTH, pattern: NO_CONTROL_CHARACTERS });
const Urls = (minItems: number) => Type.Array(Url, { minItems, maxItems: MAX_REDIRECT_URIS });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARACTERS });
const NullableUrl = Type.Union([Url, Type.Null()]);
export const NewAppBody = Type.Object(
  {
    name: Name,
    redirectUris: Urls(1),
    postLogoutRedirectUris: Type.Optional(Urls(0)),
    backchannelLogoutUri: Type.Optional(NullableUrl),
    confidential: Type.Boolean(),
    firstParty: Type.Boolean(),
  },
  { additionalProperties: false },
);
const appErrors = { 404: ErrorResponse, 409: ErrorResponse, ...commonErrors };

export const appsRoutes: FastifyPluginAsyncTypebox<{ deps: ServiceDeps }> = async (app, { deps }) => {
  const config = { roles: ['practice_admin'] } as const;

  const contextOf = (request: FastifyRequest): AppContext => {
    const { user, practice } = sessionOf(request);
    return { practiceId: practice.id, actor: user, origin: requestOrigin(request) };
  };
  const appOf = async (request: FastifyRequest & { params: { id: string } }): Promise<OidcApp> => {
    const found = await findApp(deps, { practiceId: sessionOf(request).practice.id, id: request.params.id });
    if (!found) throw new ApiError('not_found', 'No app with this id is registered in your practice.');
    return found;
  };

  app.get(
    '/api/practice/apps',
    {
      config,
      schema: {
        summary: 'The practice’s connected apps',
        response: { 200: Type.Object({ items: Type.Array(AppSchema) }), ...appErrors },
      },
    },
    async (request) => ({
      items: (await listApps(deps, { practiceId: sessionOf(request).practice.id })).map(toAppJson),
    }),
  );

  app.post(
    '/api/practice/apps',
    {
      config,
      schema: {
        summary: 'Register an app; a confidential app’s client secret is shown once',
        body: NewAppBody,
        response: {
          201: Type.Object({ app: AppSchema, clientSecret: Type.Optional(Type.String()) }),
          ...appErrors,
        },
      },
    },
    async (request, reply) => {
      const result = await createApp(deps, { ...request.body, ...contextOf(request) });
      if (!result.ok) throw new ApiError('invalid_request', result.problem);
      const secret = result.clientSecret === undefined ? {} : { clientSecret: result.clientSecret };
      return reply.status(201).send({ app: toAppJson(result.app), ...secret });
    },
  );

  app.get(
    '/api/practice/apps/:id',
    {
      config,
      schema: { summary: 'One connected app', params: IdParams, response: { 200: AppSchema, ...appErrors } },
    },
    async (request) => toAppJson(await appOf(request)),
  );

  app.patch(
    '/api/practice/apps/:id',
    {
      config,
      schema: {
        summary: 'Edit a connected app: name, redirect URIs, back-channel logout URI, first-party flag',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            redirectUris: Type.Optional(Urls(1)),
            postLogoutRedirectUris: Type.Optional(Urls(0)),
            backchannelLogoutUri: Type.Optional(NullableUrl),
            firstParty: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: AppSchema, ...appErrors },
      },
    },
    async (request) => {
      const result = await updateApp(deps, {
        ...request.body,
        ...contextOf(request),
        app: await appOf(request),
      });
      if (!result.ok) throw new ApiError('invalid_request', result.problem);
      return toAppJson(result.app);
    },
  );

  app.delete(
    '/api/practice/apps/:id',
    {
      config,
      schema: {
        summary: 'Remove a connected app',
        params: IdParams,
        response: { 204: Type.Null(), ...appErrors },
      },
    },
    async (request, reply) => {
      await deleteApp(deps, { ...contextOf(request), app: await appOf(request) });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/practice/apps/:id/secret',
    {
      config,
      schema: {
        summary:
          'Replace a confidential app’s client secret; the new one is shown once, the old one stops working',
        params: IdParams,
        response: { 200: Type.Object({ clientSecret: Type.String() }), ...appErrors },
      },
    },
    async (request) => {
      const result = await rotateAppSecret(deps, { ...contextOf(request), app: await appOf(request) });
      if (!result.ok) throw new ApiError('conflict', result.problem);
      return { clientSecret: result.clientSecret };
    },
  );
};
