import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, Outcome } from '../../src/domain/audit-event.js';
import { audit } from '../../src/services/audit.js';
import {
  exportActivityRows,
  listActivity,
  type ActivityFilterQuery,
} from '../../src/store/activity-store.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The export walks the log in keyset batches of arrays (issue 5's 10-million-event target);
 * pages walk it in objects. Whatever the batch size, the export must be exactly the events a
 * page query returns, in the same order: no event twice (an event whose actor is also its
 * target is found by two branches), none skipped at a batch boundary (equal times are ordered
 * by seq).
 */
let server: TestServer;
let practiceId: string;
let alice: { id: string; username: string };
let bob: { id: string; username: string };

const MIX: readonly [EventType, Outcome, 'alice-self' | 'bob-by-alice' | 'system'][] = [
  ['login.succeeded', 'success', 'alice-self'],
  ['login.failed', 'failure', 'system'],
  ['password.changed', 'success', 'alice-self'],
  ['session.revoked', 'success', 'bob-by-alice'],
  ['login.failed', 'failure', 'alice-self'],
  ['logout', 'success', 'alice-self'],
  ['user.updated', 'success', 'bob-by-alice'],
];

beforeAll(async () => {
  server = await startTestServer();
  const practice = await seedPractice(server.deps);
  practiceId = practice.practiceId;
  alice = await seedUser(server.deps, practice, { username: 'alice', roles: ['practice_admin'] });
  bob = await seedUser(server.deps, practice, { username: 'bob' });
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 40; i++) {
    const [type, outcome, who] = MIX[i % MIX.length] as (typeof MIX)[number];
    await server.deps.store.transaction((trx) =>
      audit(trx, {
        practiceId,
        type,
        outcome,
        actor: who === 'system' ? null : alice,
        target: who === 'bob-by-alice' ? bob : who === 'alice-self' ? alice : null,
        origin: { ip: '192.0.2.7', userAgent: 'batch test' },
        // Three events per millisecond: batch boundaries fall between equal times.
        at: start + Math.floor(i / 3),
      }),
    );
  }
});

afterAll(async () => {
  await server.close();
});

describe('export batches', () => {
  const cases: [string, () => Omit<ActivityFilterQuery, 'chainId'>][] = [
    ['the whole log', () => ({})],
    ['one user (actor or target, two branches)', () => ({ userId: alice.id })],
    ['a group of types (one branch each)', () => ({ types: ['login.failed', 'logout'] })],
    [
      'an outcome and a date range',
      () => ({ outcome: 'success', fromAt: Date.UTC(2026, 0, 1) + 2, toAt: Date.UTC(2026, 0, 1) + 11 }),
    ],
  ];
  it.each(cases)(
    '%s: every batch size gives exactly the page query’s events, in order',
    async (_, filtersOf) => {
      const filters = { chainId: practiceId, ...filtersOf() };
      const page = await listActivity(server.deps.store.db, { ...filters, limit: 1000 });
      expect(page.more).toBe(false);
      expect(page.events.length).toBeGreaterThan(4);
      const expected = page.events.map((event) => [event.id, event.at, event.seq]);
      for (const batchSize of [1, 2, 3, 7, 1000]) {
        const exported: unknown[] = [];
        for await (const batch of exportActivityRows(server.deps.store, filters, batchSize)) {
          expect(batch.length).toBeLessThanOrEqual(batchSize);
          exported.push(...batch.map(([id, at, seq]) => [id, at, seq]));
        }
        expect(exported).toEqual(expected);
      }
    },
  );
});
