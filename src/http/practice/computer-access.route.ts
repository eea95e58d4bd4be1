import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { commonErrors } from '../schemas.js';

const YourAddress = Type.Object({ ip: Type.String() }, { additionalProperties: false });

/**
 * GET /api/practice/computer-access/your-address: the address this request came from, as the
 * allow-list check sees it (after TRUST_PROXY), so Computer Access Settings can show the
 * administrator what to add for the computer in front of them.
 */
export const computerAccessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/practice/computer-access/your-address',
    {
      config: { roles: ['practice_admin'] },
      schema: {
        summary: 'The IP address the server sees for this computer',
        response: { 200: YourAddress, ...commonErrors },
      },
    },
    async (request) => ({ ip: request.ip }),
  );
};
