import { expect } from 'vitest';
import { totpCodeAt } from '../../src/domain/totp.js';
import type { HttpClient } from '../support/http-client.js';

const STEP_MS = 30_000;

/**
 * TOTP codes by the real clock, for servers that run on it: each of a later step than the last
 * (a step once used is refused), the current step or the next (the server accepts one step either
 * side), so a step that ends meanwhile never makes a code too old.
 */
export function realTimeTotp(secret: string): () => Promise<string> {
  let lastStep = -Infinity;
  return async () => {
    for (;;) {
      const current = Math.floor(Date.now() / STEP_MS);
      const step = Math.max(lastStep + 1, current);
      if (step <= current + 1) {
        lastStep = step;
        return totpCodeAt(secret, step * STEP_MS);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
}

/** Enrols the signed-in client's user in TOTP; returns where its next codes come from. */
export async function enrolTotp(client: HttpClient, password: string): Promise<() => Promise<string>> {
  const setup = await client.post<{ secret: string }>('/api/me/two-factor/totp/setup', {
    currentPassword: password,
  });
  expect(setup.status, setup.text).toBe(200);
  const nextCode = realTimeTotp(setup.body.secret);
  const confirm = await client.post('/api/me/two-factor/totp/confirm', { code: await nextCode() });
  expect(confirm.status, confirm.text).toBe(200);
  return nextCode;
}

/** Signs in with a password and a TOTP code; fails the test unless both are accepted. */
export async function signInWithCode(
  client: HttpClient,
  account: { readonly practiceCode: string; readonly username: string; readonly password: string },
  code: string,
): Promise<void> {
  const login = await client.post<{ next: string }>('/api/auth/login', {
    practiceCode: account.practiceCode,
    username: account.username,
    password: account.password,
  });
  expect(login.status, login.text).toBe(200);
  expect(login.body.next).not.toBe('signed_in');
  const second = await client.post<{ next: string }>('/api/auth/two-factor', {
    code,
    rememberBrowser: false,
  });
  expect(second.status, second.text).toBe(200);
  expect(second.body.next).toBe('signed_in');
}
