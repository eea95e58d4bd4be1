import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserStatus } from '../../src/store/user-store.js';
import { HttpClient, type ApiResponse } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * No enumeration (T4): unknown practice, unknown user, wrong password, locked and deactivated
 * accounts get one answer — status, body, headers (but the date and request id) and timing. Rate limits are
 * off here: this test sends hundreds of failures on purpose (they are tested in rate-limits).
 */
let server: TestServer;
let practice: TestPractice;
let existing: SeededUser;
let locked: SeededUser;
let deactivated: SeededUser;

beforeAll(async () => {
  server = await startTestServer({ rateLimiting: false });
  practice = await seedPractice(server.deps);
  existing = await seedUser(server.deps, practice, { username: 'real.person' });
  locked = await seedUser(server.deps, practice, { username: 'locked.person' });
  deactivated = await seedUser(server.deps, practice, { username: 'gone.person' });
  await server.deps.store.db
    .updateTable('users')
    .set({ locked_until: server.clock.now() + 3_600_000 })
    .where('id', '=', locked.id)
    .execute();
  await setUserStatus(
    server.deps.store.db,
    practice.practiceId,
    deactivated.id,
    'deactivated',
    server.clock.now(),
  );
});
afterAll(() => server.close());

const client = () => new HttpClient(server.url);

function attempt(browser: HttpClient, practiceCode: string, username: string, password: string) {
  return browser.post('/api/auth/login', { practiceCode, username, password });
}

/** Everything a caller can see but the date and the request's own id (new for every request). */
function visible(response: ApiResponse) {
  const headers = [...response.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id');
  return { status: response.status, body: response.text, headers };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

describe('sign-in answers reveal nothing', () => {
  it('are identical for unknown practice, unknown user, wrong password, locked and deactivated accounts', async () => {
    const browser = client();
    await browser.get('/api/auth/session');
    const answers = [
      await attempt(browser, 'NO-SUCH-PRACTICE', existing.username, existing.password),
      await attempt(browser, practice.code, 'no.such.person', existing.password),
      await attempt(browser, practice.code, existing.username, 'a wrong password'),
      // Only a correct password learns of a lock (lockout.test.ts); a wrong one is told nothing.
      await attempt(browser, practice.code, locked.username, 'a wrong password'),
      await attempt(browser, practice.code, deactivated.username, deactivated.password),
    ].map(visible);
    expect(answers[0]?.status).toBe(401);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });

  // Timing on a shared, loaded machine: a noisy run may be repeated; a real leak fails every time.
  it(
    'take the same time: medians of 200 interleaved attempts each differ by less than 10%',
    { timeout: 240_000, retry: 2 },
    async () => {
      const existingTimes: number[] = [];
      const unknownTimes: number[] = [];
      const existingBrowser = client();
      const unknownBrowser = client();
      await existingBrowser.get('/api/auth/session');
      await unknownBrowser.get('/api/auth/session');
      const timed = async (times: number[], send: () => Promise<ApiResponse>) => {
        const start = performance.now();
        const response = await send();
        times.push(performance.now() - start);
        return visible(response);
      };
      let firstExisting: ReturnType<typeof visible> | undefined;
      let firstUnknown: ReturnType<typeof visible> | undefined;
      // Warm-up, not measured: the first failures lock the account and the JIT settles.
      for (let i = 0; i < 20; i++) {
        await attempt(existingBrowser, practice.code, existing.username, `warm-up ${i}`);
        await attempt(unknownBrowser, practice.code, `warm.up.${i}`, `warm-up ${i}`);
      }
      existingTimes.length = 0;
      unknownTimes.length = 0;
      for (let i = 0; i < 200; i++) {
        // Alternate which kind goes first, so drift in machine load hits both alike.
        const order = i % 2 === 0 ? ['existing', 'unknown'] : ['unknown', 'existing'];
        for (const kind of order) {
          if (kind === 'existing') {
            const answer = await timed(existingTimes, () =>
              attempt(existingBrowser, practice.code, existing.username, `wrong password ${i}`),
            );
            firstExisting ??= answer;
            expect(answer).toEqual(firstExisting);
          } else {
            const answer = await timed(unknownTimes, () =>
              attempt(unknownBrowser, practice.code, `nobody.${i}`, `wrong password ${i}`),
            );
            firstUnknown ??= answer;
            expect(answer).toEqual(firstUnknown);
          }
        }
      }
      expect(firstExisting).toEqual(firstUnknown);
      const a = median(existingTimes);
      const b = median(unknownTimes);
      expect(
        Math.abs(a - b) / Math.min(a, b),
        `medians ${a.toFixed(1)} ms vs ${b.toFixed(1)} ms`,
      ).toBeLessThan(0.1);
    },
  );
});
