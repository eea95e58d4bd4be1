import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { describeBrowser } from '../../domain/user-agent.js';
import type { ServiceDeps } from '../../services/context.js';
import {
  forgetOwnRememberedBrowser,
  listOwnRememberedBrowsers,
} from '../../services/two-factor/remembered-browsers.js';
import { ownRequest, sessionOf } from '../access.js';
import { commonErrors, ErrorResponse, IdParams } from '../schemas.js';
import { RememberedBrowser } from './two-factor-schemas.js';

/** The browsers the signed-in user asked to remember for the second factor: list and forget. */
export const rememberedBrowserRoutes: FastifyPluginAsyncTypebox<{ readonly deps: ServiceDeps }> = async (
  app,
  { deps },
) => {
  const iso = (ms: number) => new Date(ms).toISOString();
  app.get(
    '/api/me/remembered-browsers',
    {
      schema: {
        summary: 'Browsers that skip the second factor until they expire',
        response: {
          200: Type.Object({ items: Type.Array(RememberedBrowser) }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const browsers = await listOwnRememberedBrowsers(deps, { auth: sessionOf(request) });
      return {
        items: browsers.map((browser) => ({
          id: browser.id,
          browser: describeBrowser(browser.userAgent),
          ip: browser.ip,
          createdAt: iso(browser.createdAt),
          lastUsedAt: iso(browser.lastUsedAt),
          expiresAt: iso(browser.expiresAt),
        })),
      };
    },
  );

  app.delete(
    '/api/me/remembered-browsers/:id',
    {
      schema: {
        summary: 'Forget a remembered browser: it asks for the second factor again',
        params: IdParams,
        response: { 204: Type.Null(), ...commonErrors, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const forgotten = await forgetOwnRememberedBrowser(deps, {
        ...ownRequest(request),
        id: request.params.id,
      });
      if (!forgotten) throw new ApiError('not_found', 'No remembered browser with this id.');
      return reply.status(204).send(null);
    },
  );
};
