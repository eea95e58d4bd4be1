import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createPasswordHasher } from '../../src/services/password-hasher.js';
import { createPractice } from '../../src/services/practices.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertUser } from '../../src/store/user-store.js';
import { expectWholeChain } from '../support/chain.js';
import { HttpClient } from '../support/http-client.js';
import { freePort, startServerProcess, tempDataDir } from '../support/server-process.js';

/**
 * Sign-ins at full speed, the server killed with SIGKILL at a random moment, restarted, again:
 * every request that got a 2xx has its change and its event stored, nothing is half-done, the
 * SQLite file passes integrity_check and the audit chain is whole. On SQLite and PostgreSQL.
 */
const ROUNDS = 3;
const USERS = 12;
const PASSWORD = 'crash test password with enough words';

interface Target {
  readonly name: 'sqlite' | 'postgres';
  readonly env: Record<string, string>;
  open(): Store;
}

function targets(): Target[] {
  const dataDir = tempDataDir();
  const databaseUrl = inject('databaseUrl');
  return [
    { name: 'sqlite', env: { DATA_DIR: dataDir }, open: () => openStore({ dataDir }) },
    {
      name: 'postgres',
      env: { DATA_DIR: tempDataDir(), DATABASE_URL: databaseUrl },
      open: () => openStore({ databaseUrl, dataDir: tempDataDir() }),
    },
  ];
}

async function seed(store: Store) {
  await migrateToLatest(store);
  const deps = { store, clock: { now: () => Date.now() }, hasher: createPasswordHasher() };
  const code = `CRASH${Date.now().toString(36)}`;
  const created = await createPractice(
    deps,
    {
      code,
      name: 'Crash Practice',
      admin: { username: 'admin', email: 'a@crash.test', firstName: 'A', lastName: 'B' },
    },
    { ip: '127.0.0.1', userAgent: 'seed' },
  );
  if (!created.ok) throw new Error(created.problem);
  const hash = await deps.hasher.hash(PASSWORD);
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const id = randomUUID();
    await insertUser(store.db, {
      id,
      practiceId: created.practice.id,
      username: `crash${i}`,
      firstName: 'C',
      lastName: `${i}`,
      email: `c${i}@crash.test`,
      roles: ['clinician'],
      passwordHash: hash,
      passwordMustChange: false,
      temporaryPasswordExpiresAt: null,
      now: Date.now(),
    });
    users.push({ id, username: `crash${i}` });
  }
  return { code, practiceId: created.practice.id, users };
}

const stores: Store[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

describe.each(targets())('crash safety on $name', (target) => {
  it('keeps every acknowledged sign-in and a whole audit chain across SIGKILLs', async () => {
    const setupStore = target.open();
    const { code, practiceId, users } = await seed(setupStore);
    await setupStore.close();
    const acknowledged = new Map<string, number>();
    const port = await freePort();

    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServerProcess(target.env, port);
      let running = true;
      const loops = Array.from({ length: 6 }, async (_, loop) => {
        for (let i = loop; running; i += 6) {
          const user = users[i % USERS];
          if (!user) continue;
          try {
            const response = await new HttpClient(server.url).post('/api/auth/login', {
              practiceCode: code,
              username: user.username,
              password: PASSWORD,
            });
            if (response.status === 200) acknowledged.set(user.id, (acknowledged.get(user.id) ?? 0) + 1);
          } catch {
            // killed mid-request: not acknowledged, so nothing is owed
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, randomInt(400, 1500)));
      await server.kill('SIGKILL');
      running = false;
      await Promise.all(loops);
    }
    expect([...acknowledged.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(ROUNDS);

    const store = target.open();
    stores.push(store);
    for (const user of users) {
      const owed = acknowledged.get(user.id) ?? 0;
      const events = await store.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('target_id', '=', user.id)
        .where('type', '=', 'login.succeeded')
        .executeTakeFirstOrThrow();
      const sessions = await store.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      // Commits the client never heard of may exist; acknowledged ones may not be missing,
      // and a sign-in is its session and its event together or neither.
      expect(Number(events.n)).toBeGreaterThanOrEqual(owed);
      expect(Number(sessions.n)).toBe(Number(events.n));
    }

    expect(await expectWholeChain(store, practiceId)).toBeGreaterThan(0);
    if (target.name === 'sqlite') {
      const { sql } = await import('kysely');
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
      expect(check.rows).toEqual([{ integrity_check: 'ok' }]);
    }
  });
});
