import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { STAFF_FILTERS } from '../../domain/staff-filter.js';
import type { ServiceDeps } from '../../services/context.js';
import { practiceSecurityOverview } from '../../services/settings/practice-security-overview.js';
import { sessionOf } from '../access.js';
import { commonErrors } from '../schemas.js';

const Count = Type.Integer({ minimum: 0 });

/** Each count is how many users `GET /api/staff?filter=<name>` lists. */
export const SecurityOverviewSchema = Type.Object({
  counts: Type.Object({
    ...Object.fromEntries(STAFF_FILTERS.map((filter) => [filter, Count])),
    active: Count,
    twoFactorEnabled: Count,
  }),
  lockouts: Count,
  windows: Type.Object({
    inactiveDays: Count,
    recentLockoutDays: Count,
    failedBurstMin: Count,
    failedBurstHours: Count,
    passwordExpiryDays: Type.Union([Count, Type.Null()]),
  }),
  /** Active users without two-factor authentication, whom requiring it would send to enrolment. */
  requireTwoFactorAffects: Type.Array(
    Type.Object({
      id: Type.String(),
      username: Type.String(),
      firstName: Type.String(),
      lastName: Type.String(),
    }),
  ),
  timeZone: Type.String(),
});

/** Settings > Security Overview, for Practice Administrators. */
export const securityOverviewRoute: FastifyPluginAsyncTypebox<{ deps: ServiceDeps }> = async (
  app,
  { deps },
) => {
  app.get(
    '/api/practice/security-overview',
    {
      config: { roles: ['practice_admin'] },
      schema: {
        summary: 'How many staff accounts need attention, by the staff list’s filters',
        response: { 200: SecurityOverviewSchema, ...commonErrors },
      },
    },
    async (request) => {
      const overview = await practiceSecurityOverview(deps, { practice: sessionOf(request).practice });
      return {
        ...overview,
        requireTwoFactorAffects: overview.requireTwoFactorAffects.map(
          ({ id, username, firstName, lastName }) => ({
            id,
            username,
            firstName,
            lastName,
          }),
        ),
      };
    },
  );
};
