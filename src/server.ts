import { ConfigError, configFromEnv } from './config.js';

/**
 * Process entry for `npm start`. Checks the configuration first, so a wrong value stops
 * start-up with one message naming each wrong variable rather than a stack trace. Then sizes
 * libuv's thread pool — where argon2 hashing runs, off the event loop — before anything uses
 * it (libuv reads UV_THREADPOOL_SIZE once, at its first use), and starts the server.
 */
try {
  const config = configFromEnv();
  process.env.UV_THREADPOOL_SIZE = String(config.threadPoolSize);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Gatehouse cannot start:\n  ${error.problems.join('\n  ')}\n`);
  process.exit(1);
}
await import('./main.js');
