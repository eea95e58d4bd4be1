import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  testDatabase,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * A write that waits on a row lock past PostgreSQL's statement timeout (database.ts) is a busy
 * database, not a bug: 503 `unavailable` with Retry-After, one warn line, never a 500.
 * SQLite has no statement timeout; its busy error maps the same way (store-unavailable.ts).
 */
describe.runIf(testDatabase() === 'postgres')('a statement timeout on PostgreSQL', () => {
  const logLines: string[] = [];
  let server: TestServer;
  let practice: TestPractice;
  let user: SeededUser;

  beforeAll(async () => {
    server = await startTestServer({ logLines });
    practice = await seedPractice(server.deps);
    user = await seedUser(server.deps, practice, { username: 'waiting' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 503 unavailable with Retry-After and logs it once at warn', async () => {
    let release!: () => void;
    let locked!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const rowLocked = new Promise<void>((resolve) => (locked = resolve));
    // Holds the user's row, as a stuck writer would: the sign-in's update of it waits.
    const holder = server.deps.store.transaction(async (trx) => {
      await trx.updateTable('users').set({ updated_at: Date.now() }).where('id', '=', user.id).execute();
      locked();
      await released;
    });
    await rowLocked;
    let answer;
    try {
      answer = await new HttpClient(server.url).post<{ error: { code: string } }>('/api/auth/login', {
        practiceCode: practice.code,
        username: user.username,
        password: user.password,
      });
    } finally {
      release();
      await holder;
    }
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect(answer.headers.get('retry-after')).toBe('5');

    const requestId = answer.headers.get('x-request-id') ?? '';
    const lines = logLines.map((line) => JSON.parse(line) as { level: number; reqId?: string; msg: string });
    const aboutIt = lines.filter((line) => line.reqId === requestId && line.level >= 40);
    expect(aboutIt).toEqual([expect.objectContaining({ level: 40, msg: 'database unavailable' })]);
  });
});
