import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../domain/audit-event.js';
import type { CommittedEventsListener } from '../store/committed-events.js';
import type { PoolState, Store } from '../store/database.js';
import type { MailQueueState } from '../services/mail/mail-delivery.js';
import { createMetrics as createMetricsReading } from './metrics.js';

/** An outbox with nothing waiting, for the tests about other metrics. */
const EMPTY_QUEUE: MailQueueState = { pending: 0, oldestAgeSeconds: 0 };
const createMetrics = (store: Store) => createMetricsReading(store, () => Promise.resolve(EMPTY_QUEUE));

/** Just what createMetrics uses of a store: its committed-event feed and its pool. */
function fakeStore(pool: PoolState | undefined) {
  const listeners = new Set<CommittedEventsListener>();
  const store = {
    onAuditEventsCommitted(listener: CommittedEventsListener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    poolState: () => pool,
  } as unknown as Store;
  return {
    store,
    commit: (events: AuditEvent[]) => listeners.forEach((listener) => listener(events)),
    listeners,
  };
}

const lockEvent = {
  type: 'account.locked',
  outcome: 'success',
  practiceId: 'p-1',
  details: {},
} as unknown as AuditEvent;

async function gatehouseNames(pool: PoolState | undefined): Promise<string[]> {
  const metrics = createMetrics(fakeStore(pool).store);
  const all = await metrics.registry.getMetricsAsJSON();
  return all.map((metric) => metric.name).filter((name) => name.startsWith('gatehouse_'));
}

describe('createMetrics', () => {
  it('counts committed events until closed', async () => {
    const { store, commit, listeners } = fakeStore(undefined);
    const metrics = createMetrics(store);
    commit([lockEvent, lockEvent]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('gatehouse_account_lockouts_total{practice="p-1"} 2');
    expect(text).toContain('gatehouse_audit_events_total{type="account.locked",outcome="success"} 2');
    metrics.close();
    expect(listeners.size).toBe(0);
  });

  it('reads the pool when scraped, and has no pool gauges without a pool (SQLite)', async () => {
    const metrics = createMetrics(fakeStore({ total: 7, idle: 3, waiting: 2 }).store);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^gatehouse_db_pool_connections 7$/m);
    expect(text).toMatch(/^gatehouse_db_pool_idle_connections 3$/m);
    expect(text).toMatch(/^gatehouse_db_pool_waiting_queries 2$/m);
    expect((await gatehouseNames(undefined)).some((name) => name.includes('pool'))).toBe(false);
  });

  it('bounds methods and names unmatched requests', async () => {
    const metrics = createMetrics(fakeStore(undefined).store);
    metrics.observeRequest({ method: 'PROPFIND', route: undefined, status: 404, seconds: 0.001 });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'gatehouse_http_request_duration_seconds_count{method="other",route="unmatched",status_code="404"} 1',
    );
  });
});

describe('the mail queue gauges', () => {
  it('read the outbox once per scrape, and show NaN while it cannot be read', async () => {
    let reads = 0;
    let answer: () => Promise<MailQueueState> = () => Promise.resolve({ pending: 3, oldestAgeSeconds: 95.5 });
    const metrics = createMetricsReading(fakeStore(undefined).store, () => {
      reads++;
      return answer();
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^gatehouse_mail_queue_pending 3$/m);
    expect(text).toMatch(/^gatehouse_mail_queue_oldest_age_seconds 95.5$/m);
    expect(reads).toBe(1);

    answer = () => Promise.reject(new Error('database unavailable'));
    const failed = await metrics.registry.metrics();
    expect(failed).toMatch(/^gatehouse_mail_queue_pending nan$/im);
    expect(failed).toMatch(/^gatehouse_mail_queue_oldest_age_seconds nan$/im);
    expect(reads).toBe(2);
  });
});

describe('docs/operations.md', () => {
  it('documents every gatehouse_ metric, and no metric that does not exist', async () => {
    const docs = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const names = await gatehouseNames({ total: 0, idle: 0, waiting: 0 });
    for (const name of names) expect(docs).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
    const mentioned = new Set(
      [...docs.matchAll(/gatehouse_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, '')),
    );
    expect([...mentioned].sort()).toEqual([...names].sort());
  });
});
