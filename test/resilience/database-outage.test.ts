import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import {
  firstRunPassword,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../support/server-process.js';
import { freePort } from '../support/free-port.js';

/**
 * PostgreSQL stopped under load: the API answers 503 `unavailable` quickly (within 5 s, never a
 * hang, never a 500), /readyz fails, and both recover by themselves when PostgreSQL returns.
 * The database is a private server of this test, so stopping it disturbs no other test.
 */
let postgres: PrivatePostgres;
let server: ServerProcess;
let client: HttpClient;

beforeAll(async () => {
  postgres = startPrivatePostgres(await freePort());
  server = await startServerProcess({ DATABASE_URL: postgres.url, DATA_DIR: tempDataDir() });
  client = new HttpClient(server.url);
  const login = await client.post('/api/auth/login', {
    practiceCode: 'DEMO',
    username: 'admin',
    password: await firstRunPassword(server),
  });
  expect(login.status).toBe(200);
}, 60_000);

afterAll(async () => {
  if (server && server.child.exitCode !== null) console.error(server.output());
  await server?.kill('SIGKILL');
  postgres?.destroy();
});

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly ms: number;
}

async function timed(path: string): Promise<Answer> {
  const started = performance.now();
  const response = await client.get<{ error?: { code: string } }>(path);
  return { status: response.status, code: response.body?.error?.code, ms: performance.now() - started };
}

describe('database outage', () => {
  it('answers 503 unavailable quickly while PostgreSQL is down and recovers when it returns', async () => {
    expect((await timed('/api/auth/session')).status).toBe(200);

    let loading = true;
    const answers: Answer[] = [];
    const load = (async () => {
      while (loading) answers.push(await timed('/api/auth/session'));
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    postgres.stop('immediate');

    const duringOutage: Answer[] = [];
    for (let i = 0; i < 5; i++) duringOutage.push(await timed('/api/auth/session'));
    const ready = await timed('/readyz');
    postgres.start();
    loading = false;
    await load;

    for (const answer of duringOutage) {
      expect(answer).toMatchObject({ status: 503, code: 'unavailable' });
      expect(answer.ms).toBeLessThan(5000);
    }
    expect(ready.status).toBe(503);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
    expect(answers.some((answer) => answer.status === 500)).toBe(false);

    // Recovers by itself: no restart of the server.
    let recovered: Answer | undefined;
    for (let i = 0; i < 100 && recovered?.status !== 200; i++) {
      recovered = await timed('/api/auth/session');
      if (recovered.status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered?.status).toBe(200);
    expect((await timed('/readyz')).status).toBe(200);
    const session = await client.get<{ stage: string }>('/api/auth/session');
    expect(session.body.stage).toBe('password_change');
  }, 90_000);
});
