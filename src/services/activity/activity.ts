import { encodeCursor, type PagePosition } from '../../domain/activity-filter.js';
import type { AuditEvent, EventType, Outcome } from '../../domain/audit-event.js';
import { listActivity } from '../../store/activity-store.js';
import type { Practice } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import { audit } from './audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';

/**
 * Reading the activity log: one's own, one staff member's (Practice Administrator), or the
 * practice's (Practice or Clinical Administrator). Whoever reads events that are not only
 * their own leaves an `activity.viewed` event (L1), once per opening of the log: the first
 * page, not every further page of the same reading.
 */
export interface ActivityFilters {
  readonly types?: readonly EventType[];
  readonly outcome?: Outcome;
  readonly fromAt?: number;
  readonly toAt?: number;
  /** Leave out "Activity log viewed" events (they are still recorded). */
  readonly hideViews?: boolean;
  /** Where the previous page ended. */
  readonly before?: PagePosition;
  readonly limit: number;
}

export type ActivityScope =
  { readonly kind: 'user'; readonly user: User } | { readonly kind: 'practice'; readonly user?: User };

export interface ActivityReader {
  /** Null for an operator at the command line. */
  readonly user: User | null;
  readonly practice: Practice;
}

/** Who reads whose events, and from where: what every read of the log is recorded with. */
export interface ActivityRequest {
  readonly reader: ActivityReader;
  readonly scope: ActivityScope;
  readonly origin: RequestOrigin;
}

export interface ActivityResult {
  readonly events: readonly AuditEvent[];
  readonly nextCursor: string | null;
}

export async function readActivity(
  deps: ServiceDeps,
  { reader, scope, filters, origin }: ActivityRequest & { readonly filters: ActivityFilters },
): Promise<ActivityResult> {
  if (filters.before === undefined)
    await recordActivityViewed(deps, { reader, scope, origin, format: 'page' });
  const page = await listActivity(deps.store.db, {
    ...filters,
    chainId: reader.practice.id,
    ...(scope.user ? { userId: scope.user.id } : {}),
  });
  const last = page.events.at(-1);
  return {
    events: page.events,
    nextCursor: page.more && last ? encodeCursor({ at: last.at, seq: last.seq }) : null,
  };
}

/** Records `activity.viewed` unless the reader is looking only at their own events. */
export async function recordActivityViewed(
  deps: ServiceDeps,
  { reader, scope, origin, format }: ActivityRequest & { readonly format: 'page' | 'csv' },
): Promise<void> {
  if (scope.kind === 'user' && scope.user.id === reader.user?.id) return;
  await deps.store.transaction((trx) =>
    audit(trx, {
      practiceId: reader.practice.id,
      type: 'activity.viewed',
      outcome: 'success',
      actor: reader.user,
      target: scope.user ?? null,
      origin,
      at: deps.clock.now(),
      details: { scope: scope.kind, format },
    }),
  );
}
