import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_SETTINGS } from '../../src/domain/security-settings.js';
import { updatePracticeSettings } from '../../src/store/practice-store.js';
import { eventsOf } from '../support/events.js';
import { signedInClient } from '../support/http-client.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type SeededUser,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';

let server: TestServer;
let practice: TestPractice;
let singlePractice: TestPractice;
let user: SeededUser;

const MINUTE = 60_000;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
  singlePractice = await seedPractice(server.deps);
  await updatePracticeSettings(server.deps.store.db, singlePractice.practiceId, {
    ...DEFAULT_SECURITY_SETTINGS,
    singleSession: true,
  });
  user = await seedUser(server.deps, practice, { username: 'timed' });
});
afterAll(() => server.close());

describe('session timeouts', () => {
  it('tell the web app the idle deadline', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    const session = await browser.get<Record<string, unknown>>('/api/auth/session');
    expect(session.body).toMatchObject({
      stage: 'signed_in',
      idleTimeoutMinutes: 30,
      idleExpiresAt: new Date(server.clock.now() + 30 * MINUTE).toISOString(),
      absoluteExpiresAt: new Date(server.clock.now() + 12 * 60 * MINUTE).toISOString(),
    });
  });

  it('end a session idle past 30 minutes on the server, recording session.expired', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    server.clock.advance(29 * MINUTE);
    expect((await browser.get('/api/me')).status).toBe(200);
    server.clock.advance(30 * MINUTE + 1);
    const expired = await browser.get('/api/me');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'session_expired' } });
    const [latest] = await eventsOf(server.deps.store, user.id);
    expect(latest).toMatchObject({ type: 'session.expired', details: { reason: 'idle_timeout' } });
  });

  it('"Stay signed in" renews the idle deadline', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    server.clock.advance(28 * MINUTE);
    const kept = await browser.post<{ idleExpiresAt: string }>('/api/auth/keep-alive');
    expect(kept.status).toBe(200);
    expect(kept.body.idleExpiresAt).toBe(new Date(server.clock.now() + 30 * MINUTE).toISOString());
    server.clock.advance(29 * MINUTE);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('refuse keep-alive without a session', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    await browser.post('/api/auth/logout');
    expect((await browser.post('/api/auth/keep-alive')).status).toBe(401);
  });

  it('end even a busy session after the absolute 12 hours', async () => {
    const browser = await signedInClient(server.url, practice.code, user);
    for (let hour = 0; hour < 12 * 3; hour++) {
      server.clock.advance(20 * MINUTE);
      expect((await browser.get('/api/me')).status).toBe(200);
    }
    server.clock.advance(1);
    const expired = await browser.get('/api/me');
    expect(expired.status).toBe(401);
    const [latest] = await eventsOf(server.deps.store, user.id);
    expect(latest).toMatchObject({ type: 'session.expired', details: { reason: 'absolute_timeout' } });
  });
});

describe('one session per user', () => {
  it('ends the older session when the same user signs in again, and says so in the event', async () => {
    const solo = await seedUser(server.deps, singlePractice, { username: 'solo' });
    const older = await signedInClient(server.url, singlePractice.code, solo);
    const newer = await signedInClient(server.url, singlePractice.code, solo);
    expect((await older.get('/api/me')).status).toBe(401);
    expect((await newer.get('/api/me')).status).toBe(200);
    const revoked = (await eventsOf(server.deps.store, solo.id)).find(
      (event) => event.type === 'session.revoked',
    );
    expect(revoked).toMatchObject({ details: { reason: 'single_session', sessions: 1 } });
  });

  it('is off by default: two browsers stay signed in', async () => {
    const one = await signedInClient(server.url, practice.code, user);
    const two = await signedInClient(server.url, practice.code, user);
    expect((await one.get('/api/me')).status).toBe(200);
    expect((await two.get('/api/me')).status).toBe(200);
  });
});
