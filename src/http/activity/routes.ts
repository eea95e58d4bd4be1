import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACTIVITY_GROUPS, ungroupedTypes } from '../../domain/activity-filter.js';
import type { CheckpointKeys } from '../../domain/audit-checkpoint.js';
import { ApiError } from '../../domain/errors.js';
import { eventLabel } from '../../domain/event-labels.js';
import { readActivity, recordActivityViewed, type ActivityScope } from '../../services/activity/activity.js';
import { activityCsv } from '../../services/activity/activity-export.js';
import { verifyChain } from '../../services/activity/audit-verification.js';
import type { ServiceDeps } from '../../services/context.js';
import { findStaffMember } from '../../services/staff/staff.js';
import type { Practice } from '../../store/practice-store.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, ErrorResponse } from '../schemas.js';
import {
  ActivityPage,
  activityFilters,
  activityPageBody,
  PracticeActivityQuery,
} from './activity-schemas.js';

/**
 * The practice-wide activity log (Practice or Clinical Administrator), its CSV export, its
 * integrity check (Practice Administrator) and the list of event types the filters offer.
 * No route edits or deletes an event (L4).
 */
const readers = { roles: ['practice_admin', 'clinical_admin'] } as const;

export const EventTypeGroups = Type.Object({
  groups: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      types: Type.Array(Type.Object({ type: Type.String(), label: Type.String() })),
    }),
  ),
});

const IntegrityReport = Type.Object({
  valid: Type.Boolean(),
  checked: Type.Integer(),
  broken: Type.Union([
    Type.Object({
      problem: Type.String(),
      seq: Type.Integer(),
      eventId: Type.Union([Type.String(), Type.Null()]),
      message: Type.String(),
    }),
    Type.Null(),
  ]),
  /** The newest signed checkpoint the log was checked against (domain/audit-checkpoint.ts). */
  checkpoint: Type.Union([Type.Object({ seq: Type.Integer(), at: Type.Integer() }), Type.Null()]),
});

export const activityRoutes: FastifyPluginAsyncTypebox<{
  deps: ServiceDeps;
  checkpointKeys: CheckpointKeys;
}> = async (app, { deps, checkpointKeys }) => {
  /** The scope a `user` filter asks for: that user of the caller's practice, or 404. */
  async function scopeOf(practice: Practice, userId: string | undefined): Promise<ActivityScope> {
    if (userId === undefined) return { kind: 'practice' };
    const user = await findStaffMember(deps, { practice, id: userId });
    if (!user) throw new ApiError('not_found', 'No staff member with this id exists in your practice.');
    return { kind: 'practice', user };
  }

  app.get(
    '/api/activity/types',
    {
      schema: {
        summary: 'The event types the activity-log filters offer, grouped',
        response: { 200: EventTypeGroups, ...commonErrors },
      },
    },
    async () => {
      const other = ungroupedTypes();
      const groups = [
        ...ACTIVITY_GROUPS,
        ...(other.length > 0 ? [{ key: 'other', label: 'Other', types: other }] : []),
      ];
      return {
        groups: groups.map((group) => ({
          key: group.key,
          label: group.label,
          types: group.types.map((type) => ({ type, label: eventLabel(type) })),
        })),
      };
    },
  );

  app.get(
    '/api/activity',
    {
      config: readers,
      schema: {
        summary: 'The practice’s activity log, newest first',
        querystring: PracticeActivityQuery,
        response: { 200: ActivityPage, 404: ErrorResponse, ...commonErrors },
      },
    },
    async (request) => {
      const reader = sessionOf(request);
      const filters = activityFilters(request.query, reader.practice.settings.timeZone);
      const scope = await scopeOf(reader.practice, request.query.user);
      const page = await readActivity(deps, { reader, scope, filters, origin: requestOrigin(request) });
      return activityPageBody(page, reader.practice.settings.timeZone);
    },
  );

  app.get(
    '/api/activity/export.csv',
    {
      config: readers,
      schema: {
        summary: 'The practice’s activity log as CSV, with the same filters (streamed)',
        querystring: PracticeActivityQuery,
        produces: ['text/csv'],
        response: {
          200: Type.Unknown({ description: 'CSV: a header row, then one row per event' }),
          404: ErrorResponse,
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const reader = sessionOf(request);
      const filters = activityFilters(request.query, reader.practice.settings.timeZone);
      const scope = await scopeOf(reader.practice, request.query.user);
      await recordActivityViewed(deps, { reader, scope, origin: requestOrigin(request), format: 'csv' });
      const day = new Date(deps.clock.now()).toISOString().slice(0, 10);
      const lines = activityCsv(deps, {
        scope: {
          chainId: reader.practice.id,
          timeZone: reader.practice.settings.timeZone,
          ...(scope.user ? { userId: scope.user.id } : {}),
        },
        filters,
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="activity-log-${day}.csv"`)
        .send(Readable.from(lines));
    },
  );

  app.get(
    '/api/activity/integrity',
    {
      config: { roles: ['practice_admin'] },
      schema: {
        summary:
          'Checks the practice’s activity-log hash chain against its signed checkpoint and names the first broken event',
        response: { 200: IntegrityReport, ...commonErrors },
      },
    },
    async (request) => {
      const report = await verifyChain(deps.store.db, sessionOf(request).practice.id, {
        keys: checkpointKeys,
      });
      const { checked, broken, checkpoint } = report;
      return { valid: broken === null, checked, broken, checkpoint };
    },
  );
};
