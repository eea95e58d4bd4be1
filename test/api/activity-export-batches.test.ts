import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, Outcome } from '../../src/domain/audit-event.js';
import { csvRow } from '../../src/domain/csv-cell.js';
import { storedEventWords, zonedTime } from '../../src/domain/event-labels.js';
import { describeBrowser } from '../../src/domain/user-agent.js';
import { activityCsv, CSV_COLUMNS } from '../../src/services/activity/activity-export.js';
import { audit } from '../../src/services/activity/audit.js';
import {
  exportActivityRows,
  listActivity,
  type ActivityFilterQuery,
} from '../../src/store/activity-store.js';
import { seedPractice, seedUser, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The export walks the log in keyset batches (a 10-million-event log, bench/README.md "Activity log");
 * pages walk it in objects. Whatever the batch size, the export must be exactly the events a
 * page query returns, in the same order: no event twice (an event whose actor is also its
 * target is found by two branches), none skipped at a batch boundary (equal times are ordered
 * by seq). And whichever way a batch is written (the database's separated string converted by
 * csvFromSeparated, or rows through csvRow when a value holds a control character), the file
 * is exactly what csvRow writes for the stored events.
 */
/** A zone far from UTC and without daylight saving time. */
const TIME_ZONE = 'Asia/Tokyo';
let server: TestServer;
let practiceId: string;
let alice: { id: string; username: string };
let bob: { id: string; username: string };

/** Origins of the events in turn: plain, awkward for CSV, and with control characters csvCell replaces. */
const ORIGINS = [
  { ip: '192.0.2.7', userAgent: 'batch test' },
  {
    ip: '198.51.100.4',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  },
  { ip: '2001:db8::1', userAgent: '=HYPERLINK("http://evil.example") "quoted", 漢字 😀' },
  { ip: '192.0.2.9', userAgent: '+SUM(A1) -2 @cmd' },
  { ip: '192.0.2.8', userAgent: 'tab\there and del\u007f' },
];

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
        origin: ORIGINS[i % ORIGINS.length] as (typeof ORIGINS)[number],
        details: i % 5 === 0 ? { note: `say "hi" @${i}`, raw: i % 10 === 0 ? '-1\u007f' : '+1' } : {},
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
          exported.push(...batch.map((row) => [row[0], row[1], row[11]]));
        }
        expect(exported).toEqual(expected);
      }
    },
  );
});

describe('export CSV', () => {
  /** csvRow over the stored rows, newest first: the reference both ways of writing a batch must meet. */
  async function expectedCsv(filters: Omit<ActivityFilterQuery, 'chainId'>): Promise<string> {
    const page = await listActivity(server.deps.store.db, { chainId: practiceId, ...filters, limit: 1000 });
    const ids = page.events.map((event) => event.id);
    const stored = await server.deps.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', 'in', ids.length > 0 ? ids : ['none'])
      .execute();
    const byId = new Map(stored.map((row) => [row.id, row]));
    const lines = ids.map((id) => {
      const row = byId.get(id);
      if (!row) throw new Error(`event ${id} not stored`);
      return csvRow([
        row.id,
        new Date(Number(row.at)).toISOString(),
        row.type,
        row.outcome,
        row.actor_id,
        row.actor_username,
        row.target_id,
        row.target_username,
        row.ip,
        describeBrowser(row.user_agent),
        row.user_agent,
        row.details,
        zonedTime(Number(row.at), TIME_ZONE),
        storedEventWords(row.type, row.details, TIME_ZONE).name,
        storedEventWords(row.type, row.details, TIME_ZONE).description,
      ]);
    });
    return csvRow(CSV_COLUMNS) + lines.join('');
  }

  const cases: [string, () => Omit<ActivityFilterQuery, 'chainId' | 'userId'>, boolean][] = [
    ['the whole log', () => ({}), false],
    ['one type', () => ({ types: ['login.failed'] }), false],
    [
      'an outcome and a date range',
      () => ({ outcome: 'success', fromAt: Date.UTC(2026, 0, 1) + 1, toAt: Date.UTC(2026, 0, 1) + 12 }),
      false,
    ],
    ['a group of types', () => ({ types: ['login.failed', 'logout'] }), false],
    ['one user', () => ({}), true],
  ];
  it.each(cases)(
    '%s: every batch size writes csvRow’s file for the stored events',
    async (_, filtersOf, forAlice) => {
      const filters = filtersOf();
      const expected = await expectedCsv({ ...filters, ...(forAlice ? { userId: alice.id } : {}) });
      // The log holds values with control characters, so some batches take each way.
      expect(expected).toContain('\uFFFD');
      expect(expected).toContain('"\'=HYPERLINK(""http://evil.example"") ""quoted"", 漢字 😀"');
      expect(expected).toContain('"\'+SUM(A1) -2 @cmd"');
      // The readable columns: the practice's local time with its zone, the name, the details in words.
      if (!filters.types)
        expect(expected).toContain('"Jan 1, 2026, 9:00 AM GMT+9","Password changed",""\r\n');
      if (!filters.types && !filters.outcome)
        expect(expected).toContain(',"Note: say ""hi"" @0; Raw: -1\uFFFD"\r\n');
      for (const batchSize of [1, 2, 3, 7, 1000]) {
        const chunks: Buffer[] = [];
        const scope = { chainId: practiceId, timeZone: TIME_ZONE, ...(forAlice ? { userId: alice.id } : {}) };
        for await (const chunk of activityCsv(server.deps, {
          scope,
          filters: { ...filters, limit: 50 },
          batchSize,
        }))
          chunks.push(chunk);
        expect(Buffer.concat(chunks).toString()).toBe(expected);
      }
    },
  );
});
