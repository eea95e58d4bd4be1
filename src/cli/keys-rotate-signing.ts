import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import { resolveSecretKeys } from '../secret-key.js';
import { rotateSigningKey } from '../services/apps/oidc-signing-keys.js';
import type { Command } from './command.js';

/** `gatehouse keys rotate-signing`: a new OpenID Connect signing key (docs/requirements.md O5). */
export const keysRotateSigningCommand: Command = {
  path: ['keys', 'rotate-signing'],
  summary: 'Start signing ID tokens with a new key (the old one stays in JWKS for a day)',
  usage: `gatehouse keys rotate-signing

Generates a new RS256 signing key (its private half sealed under GATEHOUSE_SECRET_KEY) and
retires the one in use, which JWKS keeps publishing for 24 hours so tokens it signed still
verify. Servers sign with the new key from their next start: restart them (one at a time).`,
  options: {},
  async run(_values, io) {
    const config = configFromEnv(io.env);
    const keys = resolveSecretKeys(config);
    const deps = await openServices(config);
    try {
      await rotateSigningKey(deps.store, keys, deps.clock);
    } finally {
      await deps.store.close();
    }
    io.out('A new signing key is in place. Restart the servers to sign with it.\n');
    return 0;
  },
};
