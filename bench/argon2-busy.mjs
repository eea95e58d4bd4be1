#!/usr/bin/env node
// argon2id verifications with the server's parameters, IN_FLIGHT at a time (default: one per pool
// thread, UV_THREADPOOL_SIZE) until SIGTERM: the sign-in limit of `npm run bench` and the work a
// server's sign-ins share the cores with (bench/lib/argon2-limit.mjs).
// Prints "ready" once the first verification is done, and the number done so far on SIGUSR2.
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMETERS } from '../dist/src/services/passwords/password-hasher.js';
import { runBusy } from './lib/busy-loop.mjs';

const PASSWORD = 'argon2 busy';
// 2 = Algorithm.Argon2id, the server's parameters.
const stored = await hash(PASSWORD, { algorithm: 2, ...ARGON2_PARAMETERS });
await runBusy(() => verify(stored, PASSWORD));
