import { EVENT_TYPES, isEventType, type EventType } from './audit-event.js';

/**
 * How the activity log is filtered and paged (docs/architecture.md "Activity log and export").
 *
 * - `type` is one event type (`login.failed`) or a group key (`sign_in`): the groups are the
 *   grouped list the UI offers; every event type belongs to exactly one group.
 * - Pages are newest first by (time, seq): events that arrive while someone pages are newer
 *   than page one and land above it, so paging shows no duplicates and leaves no gaps.
 * - The cursor is opaque to clients: base64url of the last event's time and seq.
 * - `limit` defaults to 50 and is at most 200.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const ACTIVITY_GROUPS = [
  {
    key: 'sign_in',
    label: 'Login and logout',
    types: ['login.succeeded', 'login.failed', 'login.throttled', 'logout', 'password.temporary_used'],
  },
  {
    key: 'sessions',
    label: 'Sessions',
    types: ['session.expired', 'session.revoked'],
  },
  {
    key: 'two_factor',
    label: 'Two-factor authentication',
    types: [
      'two_factor.succeeded',
      'two_factor.failed',
      'two_factor.enrolled',
      'two_factor.disabled',
      'two_factor.removed_by_admin',
      'recovery_code.used',
      'recovery_codes.regenerated',
      'passkey.added',
      'passkey.removed',
      'passkey.renamed',
      'remembered_browser.added',
      'remembered_browser.removed',
    ],
  },
  {
    key: 'passwords',
    label: 'Passwords',
    types: [
      'password.changed',
      'password.admin_reset',
      'password.reset_requested',
      'password.reset_completed',
      'practice_code.reminder_requested',
    ],
  },
  {
    key: 'lockout',
    label: 'Account lock',
    types: ['account.locked', 'account.unlocked'],
  },
  {
    key: 'staff',
    label: 'Staff accounts',
    types: [
      'user.created',
      'user.updated',
      'user.deactivated',
      'user.reactivated',
      'user.roles_changed',
      'user.access_restored',
    ],
  },
  {
    key: 'practice',
    label: 'Practice and settings',
    types: ['practice.created', 'settings.changed'],
  },
  {
    key: 'apps',
    label: 'Connected apps',
    types: [
      'app.signed_in',
      'app.signed_out',
      'app.created',
      'app.updated',
      'app.secret_rotated',
      'app.deleted',
    ],
  },
  {
    key: 'notices',
    label: 'Security emails',
    types: ['notice.new_device', 'notice.admin_alert', 'notice.admin_digest'],
  },
  {
    key: 'activity',
    label: 'Activity log',
    types: ['activity.viewed'],
  },
] as const satisfies readonly {
  readonly key: string;
  readonly label: string;
  readonly types: readonly EventType[];
}[];

export type ActivityGroupKey = (typeof ACTIVITY_GROUPS)[number]['key'];

/** Event types added by later features that no group names yet fall in this catch-all. */
const OTHER_GROUP = 'other';

/** The event types a `type` filter selects, or undefined when the value names neither a type nor a group. */
export function typesForFilter(value: string): readonly EventType[] | undefined {
  if (isEventType(value)) return [value];
  if (value === OTHER_GROUP) return ungroupedTypes();
  return ACTIVITY_GROUPS.find((group) => group.key === value)?.types;
}

/** Event types no group lists (kept so that no event is unreachable by the filter). */
export function ungroupedTypes(): readonly EventType[] {
  const grouped = new Set<string>(ACTIVITY_GROUPS.flatMap((group) => group.types));
  return EVENT_TYPES.filter((type) => !grouped.has(type));
}

/** Where a page ended: the last event's time (ms) and seq. */
export interface PagePosition {
  readonly at: number;
  readonly seq: number;
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(`${position.at}.${position.seq}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined for anything this server did not hand out. */
export function decodeCursor(cursor: string): PagePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,48}$/.test(cursor)) return undefined;
  const match = /^(0|[1-9][0-9]{0,15})\.([1-9][0-9]{0,15})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match) return undefined;
  const position = { at: Number(match[1]), seq: Number(match[2]) };
  return Number.isSafeInteger(position.at) && Number.isSafeInteger(position.seq) ? position : undefined;
}

/** A page size from the query string: default 50, 1..200, anything else undefined. */
export function parsePageSize(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^[0-9]{1,3}$/.test(value)) return undefined;
  const limit = Number(value);
  return limit >= 1 && limit <= MAX_PAGE_SIZE ? limit : undefined;
}
