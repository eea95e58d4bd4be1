import type { ServiceDeps } from './context.js';

/** The services' dependencies plus the instance key that encrypts TOTP secrets (src/secret-key.ts). */
export interface TwoFactorDeps extends ServiceDeps {
  readonly secretKey: Buffer;
}
