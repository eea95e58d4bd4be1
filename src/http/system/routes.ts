import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Store } from '../../store/database.js';
import { ErrorResponse } from '../schemas.js';

/** Liveness, readiness (the database answers) and the OpenAPI document. */
export const systemRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { hide: true, response: { 200: Type.Object({ status: Type.String() }) } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { hide: true, response: { 200: Type.Object({ status: Type.String() }), 503: ErrorResponse } },
    },
    async (_request, reply) => {
      try {
        await store.ping();
        return { status: 'ready' };
      } catch {
        return reply
          .status(503)
          .send({ error: { code: 'unavailable', message: 'The database cannot be reached.' } });
      }
    },
  );

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
};
