import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkpointKeysOf } from '../../src/domain/audit-checkpoint.js';
import { audit } from '../../src/services/activity/audit.js';
import { verifyChain } from '../../src/services/activity/audit-verification.js';
import type { Store } from '../../src/store/database.js';
import type { HttpClient } from '../support/http-client.js';
import { signedInClient, type ApiResponse } from '../support/http-client.js';
import {
  openTestStores,
  seedPractice,
  seedUser,
  startTestServer,
  testClock,
  testDatabase,
  TEST_SECRET_KEY,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * One big practice at 8 AM: many audited writes of one practice at once, on two instances of
 * one PostgreSQL (one instance on SQLite, which has one writer per file). No write may fail or
 * wait on another write of the same practice merely because both are recorded in its chain.
 */

// Real argon2 on a shared two-core machine: 50 password changes hash and verify twice each.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const CHANGES = 50;
const RESETS = 20;
const NEW_PASSWORD = 'violet tugboat lantern orchard';
const SIGN_IN_GROUP = 5;

let stores: Store[];
let servers: TestServer[];
let practice: TestPractice;
let adminClient: HttpClient;
let changers: { user: SeededUser; client: HttpClient }[];
let resetTargets: SeededUser[];

beforeAll(async () => {
  stores = await openTestStores(testDatabase() === 'postgres' ? 2 : 1);
  const clock = testClock();
  servers = await Promise.all(stores.map((store) => startTestServer({ store, clock, rateLimiting: false })));
  const [first] = servers as [TestServer];
  practice = await seedPractice(first.deps);
  const admin = await seedUser(first.deps, practice, { username: 'boss', roles: ['practice_admin'] });
  adminClient = await signedInClient(first.url, practice.code, admin);
  // One hash for every staff member: seeding is not what this test measures.
  const password = 'correct horse staff battery staple';
  const passwordHash = await first.deps.hasher.hash(password);
  const seed = (username: string) => seedUser(first.deps, practice, { username, password, passwordHash });
  const changerUsers = await Promise.all(Array.from({ length: CHANGES }, (_, i) => seed(`changer${i}`)));
  resetTargets = await Promise.all(Array.from({ length: RESETS }, (_, i) => seed(`target${i}`)));
  // Signed in a few at a time: the sign-ins are set-up, not the burst under test.
  changers = [];
  for (let i = 0; i < changerUsers.length; i += SIGN_IN_GROUP) {
    const group = changerUsers.slice(i, i + SIGN_IN_GROUP).map(async (user, j) => ({
      user,
      client: await signedInClient(serverFor(i + j).url, practice.code, user),
    }));
    changers.push(...(await Promise.all(group)));
  }
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(stores.map((store) => store.close()));
});

/** Requests alternate between the instances. */
function serverFor(i: number): TestServer {
  return servers[i % servers.length] as TestServer;
}

/** The burst: every password change and every reset sent at once, over real HTTP. */
function burst(): Promise<ApiResponse<{ error?: { code: string } }>[]> {
  const changes = changers.map(({ user, client }) =>
    client.post<{ error?: { code: string } }>('/api/me/password', {
      currentPassword: user.password,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    }),
  );
  const resets = resetTargets.map((target, i) =>
    adminClient
      .cloneTo(serverFor(i + 1).url)
      .post<{ error?: { code: string } }>(`/api/staff/${target.id}/reset-password`),
  );
  return Promise.all([...changes, ...resets]);
}

/**
 * Runs `during` while another transaction of the practice has recorded its event and is still
 * open, as a write whose remaining statements (its mail, its sessions) are slow: nobody else's
 * audited write may wait for it. On SQLite an open write transaction holds the one writer, so
 * there `during` simply runs.
 */
async function whileAnotherWriteIsOpen<T>(during: () => Promise<T>): Promise<T> {
  if (testDatabase() !== 'postgres') return during();
  let recorded!: () => void;
  let finish!: () => void;
  const eventRecorded = new Promise<void>((resolve) => (recorded = resolve));
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const open = (stores[0] as Store).transaction(async (trx) => {
    await audit(trx, {
      practiceId: practice.practiceId,
      type: 'activity.viewed',
      outcome: 'success',
      actor: null,
      origin: { ip: '192.0.2.7', userAgent: 'slow writer' },
      at: Date.now(),
      details: { scope: 'practice', format: 'page' },
    });
    recorded();
    await finished;
  });
  await eventRecorded;
  try {
    return await during();
  } finally {
    finish();
    await open;
  }
}

describe('one practice, many writers at once', () => {
  it('answers 50 password changes and 20 admin resets of one practice at once all with 200, records each once, and its chain verifies', async () => {
    const answers = await whileAnotherWriteIsOpen(burst);
    // Every answer 200, on both databases: no write times out waiting for the practice's chain.
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.text)).toEqual([]);

    const report = await verifyChain((stores[0] as Store).db, practice.practiceId, {
      keys: checkpointKeysOf([TEST_SECRET_KEY]),
    });
    expect(report.broken).toBeNull();
    const recorded = await (stores[0] as Store).db
      .selectFrom('audit_events')
      .select(['type'])
      .where('chain_id', '=', practice.practiceId)
      .where('type', 'in', ['password.changed', 'password.admin_reset'])
      .execute();
    expect(recorded).toHaveLength(CHANGES + RESETS);
    expect(report.checked).toBeGreaterThan(CHANGES + RESETS);
    if (testDatabase() === 'postgres') {
      // Each event waited there only inside its transaction; COMMIT chained it (audit-store.ts).
      const pending = await (stores[0] as Store).db.selectFrom('audit_pending_events').select('id').execute();
      expect(pending).toEqual([]);
    }
  });
});
