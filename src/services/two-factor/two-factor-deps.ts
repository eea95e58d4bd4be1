import type { SecretKeys } from '../../domain/secret-box.js';
import type { ServiceDeps } from '../context.js';

/** The services' dependencies plus the instance keys that encrypt TOTP secrets (src/secret-key.ts). */
export interface TwoFactorDeps extends ServiceDeps {
  readonly secretKeys: SecretKeys;
}
