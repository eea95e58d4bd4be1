import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserStatus } from '../../src/store/user-store.js';
import { HttpClient, type ApiResponse } from '../support/http-client.js';
import { compareMedianTimes, outsideCaller } from '../support/timing.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

/**
 * No enumeration (T4, R1): unknown practice, unknown user, wrong password, locked and deactivated
 * accounts get one answer — status, body, headers (but the date and request id) and timing;
 * forgotten-password requests for existing and unknown accounts take the same time. Rate limits are
 * off here: this test sends hundreds of failures on purpose (they are tested in rate-limits).
 */
let server: TestServer;
let practice: TestPractice;
let existing: SeededUser;
let locked: SeededUser;
let deactivated: SeededUser;
const caller = outsideCaller();

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
afterAll(async () => {
  await caller.close();
  await server.close();
});

const client = () => new HttpClient(server.url);
/** A browser whose requests are sent and timed on the timing caller's own thread. */
const outsideClient = () => new HttpClient(server.url, {}, caller.fetch);

function attempt(browser: HttpClient, practiceCode: string, username: string, password: string) {
  return browser.post('/api/auth/login', { practiceCode, username, password });
}

/** Everything a caller can see but the date and the request's own id (new for every request). */
function visible(response: ApiResponse) {
  const headers = [...response.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id');
  return { status: response.status, body: response.text, headers };
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
      const existingBrowser = outsideClient();
      const unknownBrowser = outsideClient();
      await existingBrowser.get('/api/auth/session');
      await unknownBrowser.get('/api/auth/session');
      let firstExisting: ReturnType<typeof visible> | undefined;
      let firstUnknown: ReturnType<typeof visible> | undefined;
      // The warm-up's failures lock the account and let the JIT settle before anything is measured.
      const { relativeDifference, summary } = await compareMedianTimes({
        caller,
        rounds: 200,
        warmUp: 20,
        a: {
          send: (i) => attempt(existingBrowser, practice.code, existing.username, `wrong password ${i}`),
          check: (response) => expect(visible(response)).toEqual((firstExisting ??= visible(response))),
        },
        b: {
          send: (i) => attempt(unknownBrowser, practice.code, `nobody.${i}`, `wrong password ${i}`),
          check: (response) => expect(visible(response)).toEqual((firstUnknown ??= visible(response))),
        },
      });
      expect(firstExisting).toEqual(firstUnknown);
      expect(relativeDifference, summary).toBeLessThan(0.1);
    },
  );
});

describe('forgot-password answers reveal nothing (R1)', () => {
  const forgot = (browser: HttpClient, username: string) =>
    browser.post('/api/auth/forgot-password', { practiceCode: practice.code, username });

  // As above: a noisy run may be repeated; a real leak fails every time.
  it(
    'take the same time: medians of 200 interleaved requests for an existing and an unknown account differ by less than 10%',
    { timeout: 240_000, retry: 2 },
    async () => {
      const existingBrowser = outsideClient();
      const unknownBrowser = outsideClient();
      await existingBrowser.get('/api/auth/session');
      await unknownBrowser.get('/api/auth/session');
      const accepted = (response: ApiResponse) =>
        expect([response.status, response.text]).toEqual([202, '{"status":"accepted"}']);
      const work = server.app.backgroundWork;
      const run = work.run.bind(work);
      let release = () => {};
      let held = new Promise<void>((resolve) => (release = resolve));
      // A request's queued work starts once its answer has been timed, and ends before the next
      // request: on a busy two-core host, work started as the answer leaves the server still
      // competes for a core with the client thread reading that answer.
      work.run = (name, job, after) => run(name, job, Promise.all([after, held]));
      try {
        const { relativeDifference, summary } = await compareMedianTimes({
          caller,
          rounds: 200,
          warmUp: 20,
          a: { send: () => forgot(existingBrowser, existing.username), check: accepted },
          b: { send: (i) => forgot(unknownBrowser, `nobody.${i}`), check: accepted },
          settle: async () => {
            release();
            await work.drain();
            held = new Promise<void>((resolve) => (release = resolve));
          },
        });
        expect(relativeDifference, summary).toBeLessThan(0.1);
      } finally {
        work.run = run;
      }
    },
  );
});
