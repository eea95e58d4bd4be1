import { availableParallelism } from 'node:os';

/**
 * Process entry for `npm start`. Sizes libuv's thread pool — where argon2 hashing runs, off the
 * event loop — to the machine's cores before anything uses it, then starts the server.
 */
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(availableParallelism(), 2));
await import('./main.js');
