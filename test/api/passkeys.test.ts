import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../support/events.js';
import { HttpClient, signedInClient } from '../support/http-client.js';
import { registerPasskey, type RegistrationOptions } from '../support/software-authenticator.js';
import {
  seedPractice,
  seedUser,
  startTestServer,
  type TestPractice,
  type TestServer,
} from '../support/test-server.js';
import { enrolTotp } from '../support/two-factor.js';

/**
 * The passkey routes' rules. The full ceremony (a real authenticator signing a challenge)
 * runs in test/e2e/passkeys.test.ts with Chromium's virtual authenticator.
 */
let server: TestServer;
let practice: TestPractice;

beforeAll(async () => {
  server = await startTestServer();
  practice = await seedPractice(server.deps);
});
afterAll(() => server.close());

let counter = 0;
async function signedIn() {
  const user = await seedUser(server.deps, practice, { username: `pk${counter++}` });
  return { user, client: await signedInClient(server.url, practice.code, user) };
}

const fakeRegistration = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' },
  clientExtensionResults: {},
};

describe('passkey registration', () => {
  it('needs two-factor authentication on and the current password', async () => {
    const { user, client } = await signedIn();
    const off = await client.post('/api/me/passkeys/registration-options', {
      currentPassword: user.password,
    });
    expect(off.status).toBe(409);
    expect(off.body).toMatchObject({ error: { code: 'two_factor_not_enabled' } });
    await enrolTotp(client, user.password, server.clock);
    const wrong = await client.post('/api/me/passkeys/registration-options', { currentPassword: 'nope' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_current_password' } });

    const ok = await client.post<{
      options: { challenge: string; rp: { id: string }; user: { name: string } };
    }>('/api/me/passkeys/registration-options', { currentPassword: user.password });
    expect(ok.status).toBe(200);
    expect(ok.body.options.rp.id).toBe('127.0.0.1');
    expect(ok.body.options.challenge).toMatch(/^[\w-]{20,}$/);
    expect(ok.body.options.user.name).toBe(`${user.username} (${practice.code})`);
    const stored = await server.deps.store.db
      .selectFrom('webauthn_challenges')
      .select('challenge')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored.challenge).toBe(ok.body.options.challenge);
  });

  it('offers EdDSA, ES256 and RS256 keys on every Node.js version, not Node 24’s experimental ML-DSA-44', async () => {
    const { user, client } = await signedIn();
    await enrolTotp(client, user.password, server.clock);
    const ok = await client.post<{ options: { pubKeyCredParams: { alg: number; type: string }[] } }>(
      '/api/me/passkeys/registration-options',
      { currentPassword: user.password },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.options.pubKeyCredParams).toEqual([
      { alg: -8, type: 'public-key' },
      { alg: -7, type: 'public-key' },
      { alg: -257, type: 'public-key' },
    ]);
  });

  it('refuses a response that does not verify, and uses the challenge up doing so', async () => {
    const { user, client } = await signedIn();
    await enrolTotp(client, user.password, server.clock);
    await client.post('/api/me/passkeys/registration-options', { currentPassword: user.password });
    const bad = await client.post('/api/me/passkeys', { name: 'Fake', response: fakeRegistration });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_request' } });
    const left = await server.deps.store.db
      .selectFrom('webauthn_challenges')
      .select('challenge')
      .where('user_id', '=', user.id)
      .execute();
    expect(left).toHaveLength(0);
    expect((await client.get<{ items: unknown[] }>('/api/me/passkeys')).body.items).toHaveLength(0);
  });

  it('validates bodies strictly', async () => {
    const { client } = await signedIn();
    for (const body of [
      { name: '', response: fakeRegistration },
      { name: 'x'.repeat(65), response: fakeRegistration },
      { name: 'ok', response: { ...fakeRegistration, extra: 1 } },
      { name: 'ok', response: { ...fakeRegistration, id: 'not base64url!' } },
      { name: 'ok\u0000', response: fakeRegistration },
    ]) {
      const response = await client.post('/api/me/passkeys', body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });

  it('answers 404 for a passkey id that is not the caller’s', async () => {
    const { client } = await signedIn();
    expect((await client.request('DELETE', '/api/me/passkeys/someone-elses')).status).toBe(404);
    expect((await client.request('PATCH', '/api/me/passkeys/someone-elses', { name: 'Mine' })).status).toBe(
      404,
    );
  });
});

describe('renaming a passkey', () => {
  it('records passkey.renamed with the old and new name; a refused rename records nothing', async () => {
    const { user, client } = await signedIn();
    await enrolTotp(client, user.password, server.clock);
    const begun = await client.post<{ options: RegistrationOptions }>(
      '/api/me/passkeys/registration-options',
      { currentPassword: user.password },
    );
    const response = registerPasskey(begun.body.options, server.url);
    const added = await client.post<{ id: string }>('/api/me/passkeys', { name: 'Desk key', response });
    expect(added.status, added.text).toBe(201);

    const renamed = await client.request('PATCH', `/api/me/passkeys/${added.body.id}`, { name: 'Blue key' });
    expect(renamed.status).toBe(204);
    expect((await client.get<{ items: { name: string }[] }>('/api/me/passkeys')).body.items).toMatchObject([
      { name: 'Blue key' },
    ]);
    const [event] = await eventsOf(server.deps.store, user.id, 1);
    expect(event).toMatchObject({
      type: 'passkey.renamed',
      outcome: 'success',
      actor: { id: user.id },
      target: { id: user.id },
      details: { passkey: added.body.id, from: 'Desk key', to: 'Blue key' },
    });

    const refused = await client.request('PATCH', '/api/me/passkeys/someone-elses', { name: 'Mine' });
    expect(refused.status).toBe(404);
    expect((await eventsOf(server.deps.store, user.id, 1))[0]?.id).toBe(event?.id);
  });
});

describe('passkey at the second-factor step', () => {
  it('is offered only at that step, and answers 404 when the user has no passkey', async () => {
    const { user, client } = await signedIn();
    const notYet = await client.post('/api/auth/two-factor/passkey/options');
    expect(notYet.status).toBe(403);
    const { secret } = await enrolTotp(client, user.password, server.clock);
    expect(secret).toHaveLength(32);
    const halfway = new HttpClient(server.url);
    await halfway.post('/api/auth/login', {
      practiceCode: practice.code,
      username: user.username,
      password: user.password,
    });
    const info = await halfway.get('/api/auth/two-factor');
    expect(info.body).toEqual({ rememberBrowserDays: 30, passkeys: false });
    const none = await halfway.post('/api/auth/two-factor/passkey/options');
    expect(none.status).toBe(404);
  });
});
