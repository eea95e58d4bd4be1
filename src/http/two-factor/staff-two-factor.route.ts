import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import type { TwoFactorDeps } from '../../services/two-factor/two-factor-deps.js';
import { removeTwoFactorByAdmin } from '../../services/two-factor/two-factor-management.js';
import { ownRequest } from '../access.js';
import { commonErrors, ErrorResponse, IdParams } from '../schemas.js';
import { guardStaffScope, staffMember } from '../staff/staff-scope.js';

/**
 * Staff > Name > Remove Two-Factor Authentication (F8). Practice Administrators of the same
 * practice only; anyone else and any id of another practice get 404 (R7).
 */
export const staffTwoFactorRoutes: FastifyPluginAsyncTypebox<{ readonly deps: TwoFactorDeps }> = async (
  app,
  { deps },
) => {
  guardStaffScope(app);
  app.delete(
    '/api/staff/:id/two-factor',
    {
      schema: {
        summary: 'Remove a staff member’s two-factor authentication; ends their sessions',
        params: IdParams,
        response: { 204: Type.Null(), ...commonErrors, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const target = await staffMember(deps, request);
      const removed = await removeTwoFactorByAdmin(deps, { ...ownRequest(request), target });
      if (!removed) throw new ApiError('two_factor_not_enabled');
      return reply.status(204).send(null);
    },
  );
};
