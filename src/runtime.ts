import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { systemClock, type Clock, type ServiceDeps } from './services/context.js';
import { createPasswordHasher } from './services/passwords/password-hasher.js';
import { openStore } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';

/** Opens the database, brings its schema up to date and wires the services. Shared by server and CLI. */
export async function openServices(config: Config, clock: Clock = systemClock): Promise<ServiceDeps> {
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
  return { store, clock, hasher: createPasswordHasher() };
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
