import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readActivity } from '../../services/activity/activity.js';
import type { ServiceDeps } from '../../services/context.js';
import { securityOverview } from '../../services/activity/security-overview.js';
import { listSessions, signOutEverywhere } from '../../services/sessions/user-sessions.js';
import { sessionOf } from '../access.js';
import {
  ActivityPage,
  activityFilters,
  activityPageBody,
  UserActivityQuery,
} from '../activity/activity-schemas.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, ErrorResponse, IdParams } from '../schemas.js';
import {
  EndedSessions,
  SecuritySummary,
  SessionItem,
  toSecuritySummary,
  toSessionItem,
} from '../security-summary.js';
import { guardStaffScope, staffMember } from './staff-scope.js';

/**
 * Staff > Name > Security & Activity for a Practice Administrator: the user's summary (plus
 * lock state), activity log, sessions and "Sign out everywhere". Anyone else, and any id of
 * another practice, gets 404 (staff-scope.ts).
 */
export const StaffSecuritySummary = Type.Object({
  ...SecuritySummary.properties,
  locked: Type.Union([Type.Object({ until: Type.String() }), Type.Null()]),
  temporaryPassword: Type.Union(
    [
      Type.Object({
        expiresAt: Type.String({ description: 'ISO-8601 UTC' }),
        expired: Type.Boolean(),
      }),
      Type.Null(),
    ],
    { description: 'A temporary password not yet replaced by the user' },
  ),
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
  }),
});

const staffErrors = { 404: ErrorResponse, ...commonErrors } as const;

export const staffSecurityRoutes: FastifyPluginAsyncTypebox<{ deps: ServiceDeps }> = async (
  app,
  { deps },
) => {
  guardStaffScope(app);

  app.get(
    '/api/staff/:id/security',
    {
      schema: {
        summary: 'A staff member’s Security & Activity',
        params: IdParams,
        response: { 200: StaffSecuritySummary, ...staffErrors },
      },
    },
    async (request) => {
      const { practice } = sessionOf(request);
      const user = await staffMember(deps, request);
      const overview = await securityOverview(deps, { user, practice });
      return {
        ...toSecuritySummary(overview),
        locked:
          overview.lockedUntil === null ? null : { until: new Date(overview.lockedUntil).toISOString() },
        temporaryPassword:
          user.passwordMustChange && user.temporaryPasswordExpiresAt !== null
            ? {
                expiresAt: new Date(user.temporaryPasswordExpiresAt).toISOString(),
                expired: user.temporaryPasswordExpiresAt <= deps.clock.now(),
              }
            : null,
        user: { id: user.id, username: user.username, firstName: user.firstName, lastName: user.lastName },
      };
    },
  );

  app.get(
    '/api/staff/:id/activity',
    {
      schema: {
        summary: 'A staff member’s activity log, newest first (recorded as activity.viewed)',
        params: IdParams,
        querystring: UserActivityQuery,
        response: { 200: ActivityPage, ...staffErrors },
      },
    },
    async (request) => {
      const reader = sessionOf(request);
      const user = await staffMember(deps, request);
      const filters = activityFilters(request.query, reader.practice.settings.timeZone);
      const page = await readActivity(deps, {
        reader,
        scope: { kind: 'user', user },
        filters,
        origin: requestOrigin(request),
      });
      return activityPageBody(page, reader.practice.settings.timeZone);
    },
  );

  app.get(
    '/api/staff/:id/sessions',
    {
      schema: {
        summary: 'A staff member’s open sessions',
        params: IdParams,
        response: { 200: Type.Array(SessionItem), ...staffErrors },
      },
    },
    async (request) => {
      const { session } = sessionOf(request);
      const user = await staffMember(deps, request);
      return (await listSessions(deps, { user, callerSessionId: session.id })).map(toSessionItem);
    },
  );

  app.post(
    '/api/staff/:id/sign-out',
    {
      schema: {
        summary: 'Sign the staff member out everywhere',
        params: IdParams,
        response: { 200: EndedSessions, ...staffErrors },
      },
    },
    async (request) => {
      const admin = sessionOf(request).user;
      const user = await staffMember(deps, request);
      return {
        ended: await signOutEverywhere(deps, { actor: admin, target: user, origin: requestOrigin(request) }),
      };
    },
  );
};
