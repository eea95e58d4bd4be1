#!/usr/bin/env node
// What a sign-in costs besides its argon2id verification, alone and beside argon2, and the
// sign-in figure of `npm run bench` that this cost alone would allow.
//
// The sign-in service (services/sign-in/sign-in.ts: the account read, then one transaction with the
// 2FA read, the session, the user's last login and the audit event; no HTTP, no rate limit)
// runs in this process with a password check that answers at once, one sign-in at a time:
// first alone, then beside argon2id verifications on every pool thread of another process
// (bench/argon2-busy.mjs), as a server's pool runs them under sign-in load. Per sign-in: CPU of
// this process's main thread and of the PostgreSQL backends; argon2's CPU per verification in
// the same minutes; and argon2 / (argon2 + the cost beside it), the most a server could reach
// of the raw verify rate if the service's work were all it did besides argon2.
// Usage: node bench/sign-in-cost.mjs [sqlite,postgres] [sign-ins]
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { configFromEnv } from '../dist/src/config.js';
import { openServices, serviceDeps } from '../dist/src/runtime.js';
import { login } from '../dist/src/services/sign-in/sign-in.js';
import { startArgon2 } from './lib/argon2-limit.mjs';
import { cpuByPid, cpuMs, cpuMsSince, postgresBackendPids } from './lib/cpu.mjs';
import { freshPostgresDatabase, POSTGRES_ADMIN_URL } from './lib/processes.mjs';
import { writeResults } from './lib/results.mjs';
import { seedPractice } from './lib/seed.mjs';

const [databaseList = 'sqlite,postgres', count = '2000'] = process.argv.slice(2);
const SIGN_INS = Number(count);
const USERS = 200;
const ORIGIN = { ip: '127.0.0.1', userAgent: 'gatehouse-bench/1.0' };
const pool = configFromEnv().threadPoolSize;
const mainThreadMs = () => cpuMs(`${process.pid}/task/${process.pid}`);

/** Runs `sign-ins` sign-ins one after another; CPU µs per sign-in of the main thread and of `backends`. */
async function measure(deps, backends) {
  const signIn = async (i) => {
    const result = await login(deps, {
      practiceCode: 'BENCH',
      username: `user${i % USERS}`,
      password: 'x',
      origin: ORIGIN,
    });
    if (!result.ok) throw new Error(`sign-in refused: ${result.reason}`);
  };
  for (let i = 0; i < 200; i++) await signIn(i);
  const before = { main: mainThreadMs(), backends: cpuByPid(await backends()) };
  for (let i = 0; i < SIGN_INS; i++) await signIn(i);
  const backendMs = cpuMsSince(before.backends, cpuByPid(await backends()));
  const perSignIn = (ms) => (ms * 1000) / SIGN_INS;
  return { mainUs: perSignIn(mainThreadMs() - before.main), backendUs: perSignIn(backendMs) };
}

/** argon2id verifications on `pool` threads while fn runs; fn's result with argon2's CPU µs per verification meanwhile. */
async function besideArgon2(fn) {
  const argon2 = await startArgon2({ pool });
  try {
    const before = { cpu: argon2.cpuMs(), verified: await argon2.verified() };
    const result = await fn();
    const verifications = (await argon2.verified()) - before.verified;
    return { ...result, argon2Us: ((argon2.cpuMs() - before.cpu) * 1000) / verifications };
  } finally {
    await argon2.stop();
  }
}

async function benchDatabase(kind) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sign-in-cost-'));
  const postgres = kind === 'postgres' ? await freshPostgresDatabase('gatehouse_sign_in_cost') : undefined;
  const env = { DATA_DIR: dataDir, ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
  await seedPractice(env, { code: 'BENCH', prefix: 'user', count: USERS, password: 'unused' });
  const services = await openServices(configFromEnv({ ...process.env, ...env }));
  // Everything a sign-in does but the verification itself.
  const deps = serviceDeps({
    ...services,
    hasher: { ...services.hasher, verify: async () => true, needsRehash: () => false },
  });
  const admin = postgres && new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin?.connect();
  const backends = async () => (admin ? postgresBackendPids(admin, postgres.url) : []);
  try {
    const alone = await measure(deps, backends);
    const beside = await besideArgon2(() => measure(deps, backends));
    const overheadUs = beside.mainUs + beside.backendUs;
    return { database: kind, alone, beside, allows: beside.argon2Us / (beside.argon2Us + overheadUs) };
  } finally {
    await admin?.end();
    await services.store.close();
    await postgres?.drop();
  }
}

const runs = [];
for (const kind of databaseList.split(',')) runs.push(await benchDatabase(kind));
const date = new Date().toISOString();
writeResults('sign-in-cost', {
  date,
  cores: cpus().length,
  node: process.version,
  pool,
  signIns: SIGN_INS,
  runs,
});
const us = (value) => value.toFixed(0);
console.log(
  `\n${date.slice(0, 10)} · ${cpus().length} cores · ${cpus()[0]?.model.trim()} · Node ${process.version}\n`,
);
console.log(
  '| database | main thread alone µs | backends alone µs | main thread beside argon2 µs | backends beside argon2 µs | argon2 per verification µs | allows |',
);
console.log('|---|---|---|---|---|---|---|');
for (const { database, alone, beside, allows } of runs)
  console.log(
    `| ${database} | ${us(alone.mainUs)} | ${us(alone.backendUs)} | ${us(beside.mainUs)} | ${us(beside.backendUs)} | ${us(beside.argon2Us)} | ${(allows * 100).toFixed(1)} % |`,
  );
