import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import type { SecretKeys } from './domain/secret-box.js';
import { systemClock, type Clock, type ServiceDeps } from './services/context.js';
import { createPasswordHasher, type PasswordHasher } from './services/passwords/password-hasher.js';
import type { TwoFactorDeps } from './services/two-factor/two-factor-deps.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';

interface DepsParts {
  readonly store: Store;
  /** Absent: the system clock; tests pass one they can move. */
  readonly clock?: Clock;
  /** Absent: the production argon2id hasher; tests and benches wrap it. */
  readonly hasher?: PasswordHasher;
}

/**
 * The one place the services' dependencies are put together: the server (main.ts), every CLI
 * command (through openServices), the test server and the benches call it. With the instance
 * keys it gives what buildApp needs, the services that also open TOTP secrets and seal
 * checkpoints (TwoFactorDeps); without them, what a command that opens no secret needs.
 */
export function serviceDeps(parts: DepsParts & { readonly secretKeys: SecretKeys }): TwoFactorDeps;
export function serviceDeps(parts: DepsParts): ServiceDeps;
export function serviceDeps({
  store,
  clock = systemClock,
  hasher = createPasswordHasher(),
  secretKeys,
}: DepsParts & { readonly secretKeys?: SecretKeys }): ServiceDeps | TwoFactorDeps {
  return secretKeys ? { store, clock, hasher, secretKeys } : { store, clock, hasher };
}

/**
 * Opens the database, brings its schema up to date and wires the services. Shared by server and
 * CLI: the server passes the instance keys (secret-key.ts), a command that opens no secret does not.
 */
export async function openServices(config: Config, secretKeys: SecretKeys): Promise<TwoFactorDeps>;
export async function openServices(config: Config): Promise<ServiceDeps>;
export async function openServices(config: Config, secretKeys?: SecretKeys): Promise<ServiceDeps> {
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return secretKeys ? serviceDeps({ store, secretKeys }) : serviceDeps({ store });
}

/**
 * Structured logs. Secrets never reach them: request logs carry method, URL and status only
 * (no headers, no bodies), and these paths are censored should any code log them.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}
