import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { securityCountOf } from '../domain/security-counts.js';
import type { NewAuditEvent } from '../domain/audit-event.js';
import type { MailQueueState } from '../services/mail/mail-delivery.js';
import type { Store } from '../store/database.js';

/**
 * The Prometheus metrics of one server (docs/operations.md lists them with their alerts).
 * Security counters move when an audit event commits (store/committed-events.ts), so they
 * agree with the activity log; labels come from closed sets (domain/security-counts.ts),
 * route patterns and status codes — never a raw URL, user name, IP or secret.
 */
export interface Metrics {
  readonly registry: Registry;
  /** An answered request: its route pattern (undefined when no route matched) and seconds taken. */
  observeRequest(request: {
    readonly method: string;
    readonly route: string | undefined;
    readonly status: number;
    readonly seconds: number;
  }): void;
  /** A request refused by a rate limit (the policy's name, a constant in domain/rate-limits.ts). */
  rateLimitHit(limit: string): void;
  /** Stops hearing the store's events. */
  close(): void;
}

/** Seconds; sign-in hashes a password (about 0.1–0.5 s), most other requests take milliseconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Methods as labels; anything else (Node accepts a few dozen) is `other`. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * `readMailQueue` reads the outbox (services/mail/mail-delivery.ts mailQueueState), once per scrape.
 */
export function createMetrics(store: Store, readMailQueue: () => Promise<MailQueueState>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const signIns = new Counter({
    name: 'gatehouse_sign_ins_total',
    help: 'Sign-ins completed (outcome success) and refused at the password step (failure, with reason).',
    labelNames: ['outcome', 'reason', 'practice'],
    registers,
  });
  const twoFactor = new Counter({
    name: 'gatehouse_two_factor_total',
    help: 'Second-factor checks at sign-in: success with its method, failure with its reason.',
    labelNames: ['outcome', 'method', 'reason', 'practice'],
    registers,
  });
  const lockouts = new Counter({
    name: 'gatehouse_account_lockouts_total',
    help: 'Accounts locked after consecutive failed passwords or codes.',
    labelNames: ['practice'],
    registers,
  });
  const auditEvents = new Counter({
    name: 'gatehouse_audit_events_total',
    help: 'Security events committed to the activity log, by type and outcome.',
    labelNames: ['type', 'outcome'],
    registers,
  });
  const rateLimitHits = new Counter({
    name: 'gatehouse_rate_limit_hits_total',
    help: 'Requests refused with 429 rate_limited, by limit.',
    labelNames: ['limit'],
    registers,
  });
  const requestDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'Time from request to answer, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  if (store.poolState()) registerPoolGauges(registry, store);
  registerMailQueueGauges(registry, readMailQueue);

  const unsubscribe = store.onAuditEventsCommitted((events: readonly NewAuditEvent[]) => {
    for (const event of events) {
      auditEvents.inc({ type: event.type, outcome: event.outcome });
      const count = securityCountOf(event);
      if (count?.counter === 'sign_in') signIns.inc(count.labels);
      else if (count?.counter === 'two_factor') twoFactor.inc(count.labels);
      else if (count?.counter === 'lockout') lockouts.inc(count.labels);
    }
  });

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      requestDuration.observe(
        {
          method: METHODS.includes(method) ? method : 'other',
          route: route ?? 'unmatched',
          status_code: String(status),
        },
        seconds,
      );
    },
    rateLimitHit: (limit) => rateLimitHits.inc({ limit }),
    close: unsubscribe,
  };
}

/** PostgreSQL's pool, read when scraped. SQLite has one connection and no pool, so no gauges. */
function registerPoolGauges(registry: Registry, store: Store): void {
  const gauge = (
    name: string,
    help: string,
    read: (state: NonNullable<ReturnType<Store['poolState']>>) => number,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const state = store.poolState();
        if (state) this.set(read(state));
      },
    });
  gauge('gatehouse_db_pool_connections', 'PostgreSQL connections open (idle or in use).', (s) => s.total);
  gauge('gatehouse_db_pool_idle_connections', 'PostgreSQL connections open and idle.', (s) => s.idle);
  gauge(
    'gatehouse_db_pool_waiting_queries',
    'Queries waiting for a PostgreSQL connection because all are in use.',
    (s) => s.waiting,
  );
}

/**
 * The mail outbox, read when scraped: one read serves both gauges of a scrape (prom-client collects
 * them at once). When the database does not answer they show NaN rather than a stale or made-up value.
 */
function registerMailQueueGauges(registry: Registry, readMailQueue: () => Promise<MailQueueState>): void {
  let reading: Promise<MailQueueState | undefined> | undefined;
  const readOnce = () => {
    reading ??= readMailQueue()
      .catch(() => undefined)
      .finally(() => (reading = undefined));
    return reading;
  };
  const gauge = (name: string, help: string, read: (state: MailQueueState) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const state = await readOnce();
        this.set(state ? read(state) : NaN);
      },
    });
  gauge('gatehouse_mail_queue_pending', 'Emails queued and not delivered yet.', (s) => s.pending);
  gauge(
    'gatehouse_mail_queue_oldest_age_seconds',
    'Seconds since the oldest undelivered email was queued; 0 when none waits.',
    (s) => s.oldestAgeSeconds,
  );
}
