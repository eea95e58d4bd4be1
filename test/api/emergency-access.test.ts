import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { enableTotp, findTwoFactorStatus, savePendingTotp } from '../../src/store/two-factor-store.js';
import { lockAccount } from '../../src/store/account-lock-store.js';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { readOutbox } from '../support/mail.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testDatabase,
  testDatabaseUrl,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

vi.setConfig({ testTimeout: 30_000 });

let store: Store;
let server: TestServer;
let practice: TestPractice;
let boss: SeededUser;
let deputy: SeededUser;
let cliEnv: NodeJS.ProcessEnv;

const REASON = 'Only administrator lost phone and password; identity checked by video call with the owner';

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-emergency-'));
  const databaseUrl = testDatabase() === 'postgres' ? await testDatabaseUrl() : undefined;
  cliEnv = { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  store = openStore({ dataDir, databaseUrl });
  await migrateToLatest(store);
  server = await startTestServer({ store });
  practice = await seedPractice(server.deps);
  boss = await seedUser(server.deps, practice, {
    username: 'boss',
    roles: ['practice_admin'],
    firstName: 'Practice',
    lastName: 'Administrator',
  });
  deputy = await seedUser(server.deps, practice, { username: 'deputy', roles: ['practice_admin'] });
  await seedUser(server.deps, practice, { username: 'clin' });
  const now = server.clock.now();
  await savePendingTotp(store.db, boss.id, 'not-a-real-box', now);
  await enableTotp(store.db, boss.id, now);
  await lockAccount(store.db, practice.practiceId, boss.id, { until: now + 3_600_000, at: now });
});
afterAll(async () => {
  await server.close();
  await store.close();
});

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: cliEnv };
  return main(['user', 'restore-access', ...args], io).then((code) => ({
    code,
    out: out.join(''),
    err: err.join(''),
  }));
}

describe('gatehouse user restore-access', () => {
  it('refuses without a reason worth recording, and changes nothing', async () => {
    const missing = await run(['--practice', practice.code, '--username', 'boss']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--reason');
    const short = await run(['--practice', practice.code, '--username', 'boss', '--reason', 'lost']);
    expect(short.code).toBe(2);
    expect(short.err).toContain('at least 10 characters');
    const nobody = await run(['--practice', practice.code, '--username', 'nobody', '--reason', REASON]);
    expect(nobody.code).toBe(1);
    expect((await findTwoFactorStatus(store.db, boss.id)).enabled).toBe(true);
    expect((await eventsOf(store, boss.id)).map((e) => e.type)).not.toContain('user.access_restored');
  });

  it('gives a temporary password, removes two-factor, unlocks, records the reason and emails every other admin', async () => {
    const session = await signedInClient(server.url, practice.code, deputy);
    const { code, out } = await run([
      '--practice',
      practice.code,
      '--username',
      'BOSS',
      '--reason',
      REASON,
      '--json',
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as {
      user: { id: string };
      temporaryPassword: string;
      administratorsNotified: number;
    };
    expect(printed.user.id).toBe(boss.id);
    // The practice's first admin and deputy; not boss, not the clinician.
    expect(printed.administratorsNotified).toBe(2);

    // Unlocked, no second factor asked: straight to choosing a password.
    const login = await new HttpClient(server.url).post('/api/auth/login', {
      practiceCode: practice.code,
      username: 'boss',
      password: printed.temporaryPassword,
    });
    expect(login.body).toEqual({ next: 'password_change' });
    expect(await findTwoFactorStatus(store.db, boss.id)).toMatchObject({ enabled: false, passkeys: 0 });
    expect((await session.get('/api/me')).status).toBe(200);

    const events = await eventsOf(store, boss.id);
    const restored = events.find((e) => e.type === 'user.access_restored');
    expect(restored).toMatchObject({
      actor: null,
      target: { id: boss.id, username: 'boss' },
      details: { by: 'cli', reason: REASON, twoFactorRemoved: true, wasLocked: true },
    });
    expect(JSON.stringify(events)).not.toContain(printed.temporaryPassword);

    // The CLI queued its emails at the real time; the server's test clock started before it.
    server.clock.advance(60_000);
    await server.deliverMail();
    const mails = readOutbox(server.outboxDir);
    const alerts = mails.filter((mail) => mail.text.includes('because you are a Practice Administrator'));
    expect(alerts.map((mail) => mail.to).sort()).toEqual(
      [`admin@${practice.code.toLowerCase()}.test`, `deputy@${practice.code.toLowerCase()}.test`].sort(),
    );
    for (const alert of alerts) {
      expect(alert.text).toContain('Practice Administrator (user name boss)');
      expect(alert.text).toContain(`Reason given: ${REASON}`);
      expect(alert.text).not.toContain(printed.temporaryPassword);
    }
    const toBoss = mails.filter((mail) => mail.to === `boss@${practice.code.toLowerCase()}.test`);
    expect(toBoss.some((mail) => mail.text.includes('At your request, access'))).toBe(true);
    expect(mails.some((mail) => mail.to.startsWith('clin@'))).toBe(false);
  });
});
