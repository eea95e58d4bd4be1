import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { unlockUser } from '../../services/staff/account-unlock.js';
import type { ServiceDeps } from '../../services/context.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, ErrorResponse, IdParams } from '../schemas.js';
import { guardStaffScope, staffMember } from './staff-scope.js';

/** `POST /api/staff/:id/unlock`: a Practice Administrator lifts a staff member's lock. */
export const unlockRoute: FastifyPluginAsyncTypebox<{ readonly deps: ServiceDeps }> = async (
  app,
  { deps },
) => {
  guardStaffScope(app);
  app.post(
    '/api/staff/:id/unlock',
    {
      schema: {
        summary: 'Unlock a staff member’s account',
        params: IdParams,
        response: { 200: Type.Object({ locked: Type.Null() }), 404: ErrorResponse, ...commonErrors },
      },
    },
    async (request) => {
      const target = await staffMember(deps, request);
      await unlockUser(deps, { actor: sessionOf(request).user, target, origin: requestOrigin(request) });
      return { locked: null };
    },
  );
};
