import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { readActivity } from '../../services/activity/activity.js';
import type { ServiceDeps } from '../../services/context.js';
import { securityOverview } from '../../services/activity/security-overview.js';
import { endOtherSessions, endOwnSession, listSessions } from '../../services/sessions/user-sessions.js';
import { sessionOf } from '../access.js';
import {
  ActivityPage,
  activityFilters,
  activityPageBody,
  UserActivityQuery,
} from '../activity/activity-schemas.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, ErrorResponse } from '../schemas.js';
import {
  EndedSessions,
  SecuritySummary,
  SessionItem,
  SessionParams,
  toSecuritySummary,
  toSessionItem,
} from '../security-summary.js';

/** The signed-in user's own Security & Activity: summary, activity log and sessions (S6). */
export const meSecurityRoutes: FastifyPluginAsyncTypebox<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.get(
    '/api/me/security',
    { schema: { summary: 'Your Security & Activity', response: { 200: SecuritySummary, ...commonErrors } } },
    async (request) => {
      const { user, practice } = sessionOf(request);
      return toSecuritySummary(await securityOverview(deps, { user, practice }));
    },
  );

  app.get(
    '/api/me/activity',
    {
      schema: {
        summary: 'Your activity log, newest first',
        querystring: UserActivityQuery,
        response: { 200: ActivityPage, ...commonErrors },
      },
    },
    async (request) => {
      const reader = sessionOf(request);
      const filters = activityFilters(request.query, reader.practice.settings.timeZone);
      const scope = { kind: 'user', user: reader.user } as const;
      const page = await readActivity(deps, { reader, scope, filters, origin: requestOrigin(request) });
      return activityPageBody(page, reader.practice.settings.timeZone);
    },
  );

  app.get(
    '/api/me/sessions',
    {
      schema: {
        summary: 'Your open sessions, most recently active first',
        response: { 200: Type.Array(SessionItem), ...commonErrors },
      },
    },
    async (request) => {
      const { user, session } = sessionOf(request);
      return (await listSessions(deps, { user, callerSessionId: session.id })).map(toSessionItem);
    },
  );

  app.delete(
    '/api/me/sessions',
    {
      schema: {
        summary: 'Sign out all other sessions (this browser stays signed in)',
        response: { 200: EndedSessions, ...commonErrors },
      },
    },
    async (request) => {
      const { user, session } = sessionOf(request);
      return {
        ended: await endOtherSessions(deps, {
          user,
          callerSessionId: session.id,
          origin: requestOrigin(request),
        }),
      };
    },
  );

  app.delete(
    '/api/me/sessions/:id',
    {
      schema: {
        summary: 'End one of your sessions',
        params: SessionParams,
        response: { 204: Type.Null(), 404: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { user } = sessionOf(request);
      if (!(await endOwnSession(deps, { user, publicId: request.params.id, origin: requestOrigin(request) })))
        throw new ApiError('not_found', 'You have no open session with this id.');
      return reply.status(204).send(null);
    },
  );
};
