import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sessionOf } from '../access.js';
import { commonErrors, PublicUser, toPublicUser } from '../schemas.js';

/** The signed-in user's own account. */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/me',
    { schema: { summary: 'The signed-in user', response: { 200: PublicUser, ...commonErrors } } },
    async (request) => {
      const { user, practice } = sessionOf(request);
      return toPublicUser(user, practice);
    },
  );
};
