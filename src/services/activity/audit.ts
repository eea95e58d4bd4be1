import type { EventDetails, EventParty, EventType, Outcome } from '../../domain/audit-event.js';
import { appendAuditEvent } from '../../store/audit-store.js';
import type { Executor } from '../../store/database.js';
import type { User } from '../../store/user-store.js';
import type { RequestOrigin } from '../context.js';

/** Longest user-supplied text kept in an event detail: enough to read, too short to flood. */
const MAX_DETAIL_TEXT = 100;

/** An event to record: its type decides the details it carries (domain/audit-event.ts). */
export interface AuditInput<T extends EventType = EventType> {
  readonly practiceId: string | null;
  readonly type: T;
  readonly outcome: Outcome;
  readonly actor: User | EventParty | null;
  readonly target?: User | EventParty | null;
  readonly origin: RequestOrigin;
  readonly at: number;
  readonly details?: EventDetails<T>;
}

/**
 * The one way every flow records a security event, inside the transaction of the change it
 * records: it reaches the practice's chain when that transaction commits (store/audit-store.ts).
 */
export async function audit<T extends EventType>(trx: Executor, input: AuditInput<T>): Promise<void> {
  appendAuditEvent(trx, {
    practiceId: input.practiceId,
    type: input.type,
    outcome: input.outcome,
    actor: input.actor && party(input.actor),
    target: input.target ? party(input.target) : null,
    ip: input.origin.ip,
    userAgent: input.origin.userAgent.slice(0, 512),
    details: input.details ?? {},
    at: input.at,
  });
}

function party(who: User | EventParty): EventParty {
  return { id: who.id, username: who.username };
}

/** User-typed text for an event detail: cut short, control characters made visible. */
export function detailText(value: string, maxLength = MAX_DETAIL_TEXT): string {
  // eslint-disable-next-line no-control-regex
  return value.slice(0, maxLength).replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
}
