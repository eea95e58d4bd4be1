import { expect } from 'vitest';
import { totpCodeAt } from '../../src/domain/totp.js';
import type { Store } from '../../src/store/database.js';
import { HttpClient, signedInClient } from './http-client.js';
import { seedPracticeAccounts, type SeededAccount } from './seed-accounts.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Accounts on server processes that run on the real clock, for tests of operator commands
 * (test/ops) that must meet a server busy writing: sign-in loops, and TOTP enrolment and
 * sign-in with real codes.
 */
export const LIVE_PASSWORD = 'operator test password with enough words';

/** A practice with `count` clinicians, seeded through `store`, which is then closed: an open connection would count as a server using a SQLite file. */
export async function seedLiveAccounts(store: Store, count: number) {
  const accounts = Array.from({ length: count }, (_, i) => ({
    username: `live${i}`,
    roles: ['clinician'] as const,
  }));
  try {
    return await seedPracticeAccounts(store, { codePrefix: 'LIVE', password: LIVE_PASSWORD, accounts });
  } finally {
    await store.close();
  }
}

export async function logIn(server: ServerProcess, code: string, user: SeededAccount) {
  const client = new HttpClient(server.url);
  const response = await client.post<{ next: string }>('/api/auth/login', {
    practiceCode: code,
    username: user.username,
    password: LIVE_PASSWORD,
  });
  return { client, response };
}

/** Sign-ins (each writes a session and an event) in loops, one per user, until stopped; counts acknowledged ones. */
export function keepWriting(server: ServerProcess, code: string, users: readonly SeededAccount[]) {
  let running = true;
  let acknowledged = 0;
  const loops = users.map(async (user) => {
    while (running) if ((await logIn(server, code, user)).response.status === 200) acknowledged++;
  });
  return {
    acknowledged: () => acknowledged,
    /** Resolves once at least `count` sign-ins were acknowledged. */
    reached: async (count: number) => {
      while (acknowledged < count) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Enrols the user's authenticator app; returns the secret. */
export async function enrolTotpNow(
  server: ServerProcess,
  code: string,
  user: SeededAccount,
): Promise<string> {
  const client = await signedInClient(server.url, code, { ...user, password: LIVE_PASSWORD });
  const setup = await client.post<{ secret: string }>('/api/me/two-factor/totp/setup', {
    currentPassword: LIVE_PASSWORD,
  });
  const confirm = await client.post('/api/me/two-factor/totp/confirm', {
    code: totpCodeAt(setup.body.secret, Date.now()),
  });
  expect(confirm.status).toBe(200);
  return setup.body.secret;
}

/** Password, then the code of the next 30-second step (the enrolment claimed the current one); the status of that step. */
export async function signInWithLaterCode(
  server: ServerProcess,
  code: string,
  user: SeededAccount,
  secret: string,
): Promise<number> {
  const { client, response } = await logIn(server, code, user);
  expect(response.body).toEqual({ next: 'two_factor' });
  const step = await client.post('/api/auth/two-factor', {
    code: totpCodeAt(secret, Date.now() + 30_000),
    rememberBrowser: false,
  });
  return step.status;
}

/** Server processes a test file starts, all stopped by `killAll` (in afterAll). */
export function serverProcesses() {
  const started: ServerProcess[] = [];
  return {
    start: async (env: Record<string, string>): Promise<ServerProcess> => {
      const server = await startServerProcess(env);
      started.push(server);
      return server;
    },
    killAll: () => Promise.all(started.map((server) => server.kill())),
  };
}

/** A SQLite server with the generated key file (no key in the environment), as `npm start` runs by default. */
export function sqliteEnv(dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, DATABASE_URL: '', GATEHOUSE_SECRET_KEY: '' };
}
