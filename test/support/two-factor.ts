import { totpCodeAt } from '../../src/domain/totp.js';
import type { HttpClient } from './http-client.js';
import type { TestClock } from './test-server.js';

/** A fresh TOTP code: moves the test clock one step on first, so no earlier code's step is reused. */
export function nextTotpCode(clock: TestClock, secret: string): string {
  clock.advance(30_000);
  return totpCodeAt(secret, clock.now());
}

export interface Enrolment {
  readonly secret: string;
  readonly recoveryCodes: string[];
}

/** Enrols the signed-in client's user in TOTP through the API; throws when a step fails. */
export async function enrolTotp(client: HttpClient, password: string, clock: TestClock): Promise<Enrolment> {
  const setup = await client.post<{ secret: string }>('/api/me/two-factor/totp/setup', {
    currentPassword: password,
  });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${setup.text}`);
  const confirm = await client.post<{ recoveryCodes: string[] }>('/api/me/two-factor/totp/confirm', {
    code: nextTotpCode(clock, setup.body.secret),
  });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${confirm.text}`);
  return { secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}
