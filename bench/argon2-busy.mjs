#!/usr/bin/env node
// argon2id verifications, as many at a time as the thread pool has threads (UV_THREADPOOL_SIZE),
// until SIGTERM: the work a server's sign-ins share the cores with (bench/sign-in-cost.mjs).
// Prints "ready" once the first verification is done, and the number done so far on SIGUSR2.
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMETERS } from '../dist/src/services/password-hasher.js';

const PASSWORD = 'argon2 busy';
// 2 = Algorithm.Argon2id, the server's parameters.
const stored = await hash(PASSWORD, { algorithm: 2, ...ARGON2_PARAMETERS });
const parallel = Number(process.env.UV_THREADPOOL_SIZE ?? 2);
let done = 0;
let stopped = false;
process.on('SIGTERM', () => (stopped = true));
process.on('SIGUSR2', () => process.stdout.write(`${done}\n`));
await verify(stored, PASSWORD);
process.stdout.write('ready\n');
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (!stopped) {
      await verify(stored, PASSWORD);
      done++;
    }
  }),
);
