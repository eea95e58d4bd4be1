// A CommonJS entry (see below) loads the configuration with require(), synchronously.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import config = require('./config.js');

/**
 * Process entry for `npm start`. Checks the configuration first, so a wrong value stops
 * start-up with one message naming each wrong variable rather than a stack trace. Then sizes
 * libuv's thread pool — where argon2 hashing runs, off the event loop — and starts the server.
 *
 * CommonJS on purpose: libuv reads UV_THREADPOOL_SIZE once, when something first uses the pool,
 * and Node loads an ES module entry and its imports with asynchronous file reads that start
 * the pool (with its default 4 threads) before the entry's first line runs. Setting the size
 * there did nothing: 4 argon2 threads shared 2 cores, each verification ran 20 % longer, and
 * sign-in throughput fell 15 % below what 2 threads give. A CommonJS entry runs first; it
 * loads config.js with require() (synchronous), and the ES modules of the server after.
 */
try {
  process.env.UV_THREADPOOL_SIZE = String(config.configFromEnv().threadPoolSize);
} catch (error) {
  if (!(error instanceof config.ConfigError)) throw error;
  process.stderr.write(`Gatehouse cannot start:\n  ${error.problems.join('\n  ')}\n`);
  process.exit(1);
}
void import('./main.js');
