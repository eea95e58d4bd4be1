import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPasswordHasher } from '../../src/services/passwords/password-hasher.js';
import { openStore, type Store } from '../../src/store/database.js';
import { findPasswordHash } from '../../src/store/user-store.js';
import { expectWholeChain } from '../support/chain.js';
import { HttpClient } from '../support/http-client.js';
import { seedPracticeAccounts } from '../support/seed-accounts.js';
import { startServerProcess, tempDataDir } from '../support/server-process.js';
import { freePort } from '../support/free-port.js';

/**
 * Sign-ins, password changes and admin resets at full speed; the server killed with SIGKILL at
 * a random moment, restarted, again. Afterwards every request that got a 2xx has its change and
 * its event stored, nothing is half-done, the SQLite file passes integrity_check and the audit
 * chain is whole. On SQLite and PostgreSQL.
 */
const ROUNDS = 3;
const SIGN_IN_USERS = 8;
const CHANGERS = 3;
const RESET_TARGETS = 3;
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
  const accounts = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ username: `${prefix}${i}`, roles: ['clinician'] as const }));
  const seeded = await seedPracticeAccounts(store, {
    codePrefix: 'CRASH',
    password: PASSWORD,
    accounts: [
      { username: 'resetter', roles: ['practice_admin'] },
      ...accounts('signin', SIGN_IN_USERS),
      ...accounts('changer', CHANGERS),
      ...accounts('target', RESET_TARGETS),
    ],
  });
  const [admin, ...rest] = seeded.accounts;
  if (!admin) throw new Error('no admin');
  return {
    code: seeded.code,
    practiceId: seeded.practiceId,
    admin,
    signIns: rest.slice(0, SIGN_IN_USERS),
    changers: rest.slice(SIGN_IN_USERS, SIGN_IN_USERS + CHANGERS),
    resetTargets: rest.slice(SIGN_IN_USERS + CHANGERS),
  };
}

/** Acknowledged (2xx) requests per user id and kind. */
class Ledger {
  readonly #counts = new Map<string, number>();
  add(kind: string, userId: string) {
    const key = `${kind}:${userId}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }
  get(kind: string, userId: string): number {
    return this.#counts.get(`${kind}:${userId}`) ?? 0;
  }
}

async function countEvents(store: Store, type: string, targetId: string): Promise<number> {
  const row = await store.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('target_id', '=', targetId)
    .where('type', '=', type)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const hasher = createPasswordHasher();
const stores: Store[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

describe.each(targets())('crash safety on $name', (target) => {
  it('keeps every acknowledged sign-in, password change and admin reset across SIGKILLs', async () => {
    const setupStore = target.open();
    const seeded = await seed(setupStore);
    await setupStore.close();
    const acked = new Ledger();
    // A changer's password is the last acknowledged one, or a later one the server committed
    // without answering; both are tried at the next sign-in.
    const candidates = new Map(seeded.changers.map((user) => [user.id, [PASSWORD]]));
    const port = await freePort();

    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServerProcess(target.env, port);
      let running = true;
      // The kill comes at a random moment after the round's first password change, so that the
      // slow first change (the strength checker loads its dictionaries) is not always cut off.
      let firstChange: () => void = () => undefined;
      const changed = new Promise<void>((resolve) => (firstChange = resolve));
      const signInLoops = Array.from({ length: 3 }, async (_, loop) => {
        for (let i = loop; running; i += 3) {
          const user = seeded.signIns[i % SIGN_IN_USERS];
          if (!user) continue;
          try {
            const response = await new HttpClient(server.url).post('/api/auth/login', {
              practiceCode: seeded.code,
              username: user.username,
              password: PASSWORD,
            });
            if (response.status === 200) acked.add('login', user.id);
          } catch {
            // killed mid-request: not acknowledged, so nothing is owed
          }
        }
      });
      const changeLoops = seeded.changers.map(async (user) => {
        try {
          const client = new HttpClient(server.url);
          let current: string | undefined;
          for (const candidate of candidates.get(user.id) ?? []) {
            const login = await client.post('/api/auth/login', {
              practiceCode: seeded.code,
              username: user.username,
              password: candidate,
            });
            if (login.status === 200) current = candidate;
            if (current) break;
          }
          expect(current, `${user.username} can sign in with a known password`).toBeDefined();
          while (running && current) {
            const next = `kettle ${randomUUID()} meadow`;
            candidates.set(user.id, [current, next]);
            const response = await client.post('/api/me/password', {
              currentPassword: current,
              newPassword: next,
              confirmPassword: next,
              signOutOtherSessions: false,
            });
            if (response.status !== 200)
              throw new Error(`change refused: ${response.status} ${response.text}`);
            acked.add('change', user.id);
            firstChange();
            current = next;
            candidates.set(user.id, [next]);
          }
        } catch (error) {
          if (error instanceof Error && /refused|sign in/.test(error.message)) throw error;
        }
      });
      const resetLoop = (async () => {
        try {
          const admin = new HttpClient(server.url);
          await admin.post('/api/auth/login', {
            practiceCode: seeded.code,
            username: seeded.admin.username,
            password: PASSWORD,
          });
          for (let i = 0; running; i++) {
            const user = seeded.resetTargets[i % RESET_TARGETS];
            if (!user) continue;
            const response = await admin.post(`/api/staff/${user.id}/reset-password`);
            if (response.status === 200) acked.add('reset', user.id);
          }
        } catch {
          // killed mid-request
        }
      })();
      await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      await new Promise((resolve) => setTimeout(resolve, randomInt(200, 1500)));
      await server.kill('SIGKILL');
      running = false;
      await Promise.all([...signInLoops, ...changeLoops, resetLoop]);
    }
    expect(seeded.signIns.some((user) => acked.get('login', user.id) > 0)).toBe(true);
    expect(seeded.changers.some((user) => acked.get('change', user.id) > 0)).toBe(true);
    expect(seeded.resetTargets.some((user) => acked.get('reset', user.id) > 0)).toBe(true);

    const store = target.open();
    stores.push(store);
    for (const user of seeded.signIns) {
      const events = await countEvents(store, 'login.succeeded', user.id);
      const sessions = await store.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      // Commits the client never heard of may exist; acknowledged ones may not be missing,
      // and a sign-in is its session and its event together or neither.
      expect(events).toBeGreaterThanOrEqual(acked.get('login', user.id));
      expect(Number(sessions.n)).toBe(events);
    }
    for (const user of seeded.changers) {
      expect(await countEvents(store, 'password.changed', user.id)).toBeGreaterThanOrEqual(
        acked.get('change', user.id),
      );
      // The stored password is the last acknowledged one, or one committed after it unanswered.
      const stored = await findPasswordHash(store.db, seeded.practiceId, user.id);
      const verified = await Promise.all(
        (candidates.get(user.id) ?? []).map((p) => hasher.verify(stored ?? '', p)),
      );
      expect(verified).toContain(true);
    }
    for (const user of seeded.resetTargets) {
      const owed = acked.get('reset', user.id);
      expect(await countEvents(store, 'password.admin_reset', user.id)).toBeGreaterThanOrEqual(owed);
      const row = await store.db
        .selectFrom('users')
        .select(['password_must_change', 'temporary_password_expires_at'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      // A reset is its temporary password, its expiry and its event together.
      if (owed > 0)
        expect(row).toMatchObject({
          password_must_change: 1,
          temporary_password_expires_at: expect.any(Number),
        });
    }
    expect(await expectWholeChain(store, seeded.practiceId)).toBeGreaterThan(0);
    if (target.name === 'sqlite') {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
      expect(check.rows).toEqual([{ integrity_check: 'ok' }]);
    }
  });
});
