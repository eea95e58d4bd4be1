import { Type, type Static } from 'typebox';
import type { AuditEvent } from '../../domain/audit-event.js';
import { ApiError } from '../../domain/errors.js';
import { describeDetails, eventName, zonedTime } from '../../domain/event-labels.js';
import { describeBrowser } from '../../domain/user-agent.js';
import type { ActivityFilters, ActivityResult } from '../../services/activity/activity.js';
import { parseActivityQuery } from '../../services/activity/activity-query.js';
import { NO_CONTROL_CHARACTERS } from '../schemas.js';

/** An activity-log event as the API shows it (docs/architecture.md "HTTP API"); hashes and chain position stay inside. */
const Party = Type.Object({ id: Type.String(), username: Type.String() });

export const ActivityEvent = Type.Object({
  id: Type.String(),
  at: Type.String({ description: 'ISO-8601 UTC with milliseconds' }),
  type: Type.String(),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  actor: Type.Union([Party, Type.Null()]),
  target: Type.Union([Party, Type.Null()]),
  ip: Type.String(),
  browser: Type.String(),
  userAgent: Type.String(),
  details: Type.Record(
    Type.String(),
    Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
  ),
  name: Type.String({ description: 'What happened, in words (domain/event-labels.ts)' }),
  localTime: Type.String({ description: '`at` in the practice’s time zone, with the zone shown' }),
  summary: Type.String({ description: 'The details in plain words, times in the practice’s zone' }),
});

export type ActivityEvent = Static<typeof ActivityEvent>;

export const ActivityPage = Type.Object({
  items: Type.Array(ActivityEvent),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  totals: Type.Optional(
    Type.Object(
      {
        events: Type.Integer({ description: 'Events matching the filters and search, on every page' }),
        failures: Type.Integer({ description: 'Of those, the failed ones' }),
        capped: Type.Boolean({ description: 'More events match than were counted (10,000)' }),
      },
      { description: 'Only when the query asked for `totals=show`' },
    ),
  ),
});

/** A page of events as the API sends it, described for people in the practice's time zone. */
export function activityPageBody(page: ActivityResult, timeZone: string): ActivityPage {
  return {
    items: page.events.map((event) => toActivityEvent(event, timeZone)),
    nextCursor: page.nextCursor,
    ...(page.totals ? { totals: { ...page.totals } } : {}),
  };
}

export type ActivityPage = Static<typeof ActivityPage>;

function toActivityEvent(event: AuditEvent, timeZone: string): ActivityEvent {
  return {
    id: event.id,
    at: new Date(event.at).toISOString(),
    type: event.type,
    outcome: event.outcome,
    actor: event.actor && { id: event.actor.id, username: event.actor.username },
    target: event.target && { id: event.target.id, username: event.target.username },
    ip: event.ip,
    browser: describeBrowser(event.userAgent),
    userAgent: event.userAgent,
    details: { ...event.details },
    name: eventName(event),
    localTime: zonedTime(event.at, timeZone),
    summary: describeDetails(event, timeZone),
  };
}

const text = (maxLength: number) =>
  Type.Optional(Type.String({ minLength: 1, maxLength, pattern: NO_CONTROL_CHARACTERS }));

/** Query of a user's log (/api/me/activity, /api/staff/:id/activity). */
export const UserActivityQuery = Type.Object(
  {
    type: text(64),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    from: text(40),
    to: text(40),
    cursor: text(24),
    limit: text(3),
    views: Type.Optional(Type.Union([Type.Literal('hide'), Type.Literal('show')])),
    q: text(200),
    totals: Type.Optional(Type.Union([Type.Literal('hide'), Type.Literal('show')])),
  },
  { additionalProperties: false },
);

export type UserActivityQuery = Static<typeof UserActivityQuery>;

/** Query of the practice log: the same, plus `user` (events where that user is actor or target). */
export const PracticeActivityQuery = Type.Object(
  { ...UserActivityQuery.properties, user: text(64) },
  { additionalProperties: false },
);

/** The filters a query asks for; 400 `invalid_request` naming the first field that makes no sense. */
export function activityFilters(query: UserActivityQuery, timeZone: string): ActivityFilters {
  const result = parseActivityQuery(query, timeZone);
  if (!result.ok) throw new ApiError('invalid_request', result.message);
  return result.filters;
}
