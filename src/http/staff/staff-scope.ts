import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { isPracticeAdmin } from '../../domain/roles.js';
import type { ServiceDeps } from '../../services/context.js';
import { findStaffMember } from '../../services/staff/staff.js';
import type { User } from '../../store/user-store.js';
import { sessionOf } from '../access.js';

/**
 * Staff routes (`/api/staff/…`) are for Practice Administrators of the same practice. Anyone
 * else, and any id of another practice, gets 404 `not_found`: never 403, never data (R7).
 * Register each staff route group inside a scope that called `guardStaffScope`.
 */
export function guardStaffScope(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    if (request.auth && !isPracticeAdmin(request.auth.user.roles)) throw new ApiError('not_found');
  });
}

/** User ids are UUIDs; anything else names nobody (and never reaches the database). */
const USER_ID = /^[0-9A-Za-z-]{1,64}$/;

/** The staff member named by `:id`, looked up inside the caller's practice only. */
export async function staffMember(deps: ServiceDeps, request: FastifyRequest): Promise<User> {
  const { practice } = sessionOf(request);
  const { id } = request.params as { id?: unknown };
  const user =
    typeof id === 'string' && USER_ID.test(id) ? await findStaffMember(deps, { practice, id }) : undefined;
  if (!user) throw new ApiError('not_found', 'No staff member with this id exists in your practice.');
  return user;
}
