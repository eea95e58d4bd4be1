import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/domain/rate-limits.js';
import { findTwoFactorStatus } from '../../src/store/two-factor-store.js';
import { eventsOf } from '../support/events.js';
import { signedInClient, type HttpClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp } from '../support/two-factor.js';

/**
 * Every "enter your current password" prompt is a password check like sign-in's: counted
 * towards the account lock, refused while locked, recorded, and rate-limited per user.
 */
let server: TestServer;
let practice: TestPractice;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
});
afterAll(() => server.close());

/** Each prompt, sent with the given current password, and the event that records its refusal. */
const PROMPTS = [
  {
    event: 'two_factor.disabled',
    send: (client: HttpClient, currentPassword: string) =>
      client.request('DELETE', '/api/me/two-factor', { currentPassword }),
  },
  {
    event: 'recovery_codes.regenerated',
    send: (client: HttpClient, currentPassword: string) =>
      client.post('/api/me/two-factor/recovery-codes', { currentPassword }),
  },
  {
    event: 'passkey.added',
    send: (client: HttpClient, currentPassword: string) =>
      client.post('/api/me/passkeys/registration-options', { currentPassword }),
  },
  {
    event: 'two_factor.enrolled',
    send: (client: HttpClient, currentPassword: string) =>
      client.post('/api/me/two-factor/totp/setup', { currentPassword }),
  },
  {
    event: 'password.changed',
    send: (client: HttpClient, currentPassword: string) =>
      client.post('/api/me/password', {
        currentPassword,
        newPassword: 'a brand new passphrase for the test',
        confirmPassword: 'a brand new passphrase for the test',
      }),
  },
] as const;

describe('re-authentication prompts', () => {
  it('count every wrong current password towards the lock, record it, and refuse even the right one while locked', async () => {
    const user = await seedUser(server.deps, practice, { username: 'reauth.lock' });
    const client = await signedInClient(server.url, practice.code, user);
    await enrolTotp(client, user.password, server.clock);
    for (let round = 0; round < 2; round++) {
      for (const prompt of PROMPTS) {
        const answer = await prompt.send(client, `wrong current password ${round}`);
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ error: { code: 'invalid_current_password' } });
      }
    }
    const events = await eventsOf(server.deps.store, user.id, 100);
    for (const prompt of PROMPTS) {
      expect(
        events.filter(
          (event) =>
            event.type === prompt.event &&
            event.outcome === 'failure' &&
            event.details.reason === 'invalid_current_password',
        ),
      ).toHaveLength(2);
    }
    expect(events.filter((event) => event.type === 'account.locked')).toHaveLength(1);

    for (const prompt of PROMPTS) {
      const answer = await prompt.send(client, user.password);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 'account_locked' } });
    }
    expect((await findTwoFactorStatus(server.deps.store.db, user.id)).enabled).toBe(true);
  });

  it('are limited per user: 429 once the counted answers reach the limit', async () => {
    const user = await seedUser(server.deps, practice, { username: 'reauth.limit' });
    const client = await signedInClient(server.url, practice.code, user);
    const [, userRule] = RATE_LIMITS.reauthenticate.rules;
    const statuses: number[] = [];
    for (let i = 0; i < userRule.max + 3; i++) {
      statuses.push((await PROMPTS[1].send(client, `wrong ${i}`)).status);
    }
    expect(statuses).toEqual([
      ...Array.from({ length: 10 }, () => 400),
      ...Array.from({ length: userRule.max - 10 }, () => 403),
      429,
      429,
      429,
    ]);
  });
});
