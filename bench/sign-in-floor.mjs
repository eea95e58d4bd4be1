#!/usr/bin/env node
// What this machine allows a sign-in: the real server's sign-in (PostgreSQL, SQLite) beside servers
// that do nothing but Fastify, the argon2id verification and N round trips to PostgreSQL
// (bench/sign-in-floor-server.mjs), each as a ratio of the raw verify rate measured just before
// it, as `npm run bench` measures sign-in. Rounds alternate; the median ratio of each is kept.
// PostgreSQL runs on the same two cores, so every round trip's CPU (the server's and the
// backend's) is taken from argon2.
// Usage: node bench/sign-in-floor.mjs [round trips, e.g. 0,3,8] [rounds]
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { configFromEnv } from '../dist/src/config.js';
import { rawVerifyRate } from './lib/argon2-limit.mjs';
import { cpuByPid, cpuMs, cpuMsSince, postgresBackendPids } from './lib/cpu.mjs';
import { freshPostgresDatabase, POSTGRES_ADMIN_URL, ROOT, startProcess } from './lib/processes.mjs';
import { writeResults } from './lib/results.mjs';
import { seedPractice } from './lib/seed.mjs';
import { BENCH_PASSWORD as PASSWORD, csrfHeaders, signInRequests } from './lib/sign-in.mjs';
import { requireWrk, runWrk } from './lib/wrk.mjs';

const [tripList = '0,3,8', roundCount = '3'] = process.argv.slice(2);
const ROUNDS = Number(roundCount);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const USERS = 200;
const pool = configFromEnv().threadPoolSize;

await requireWrk();
const postgres = await freshPostgresDatabase('gatehouse_sign_in_floor');
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'gatehouse-floor-'));
const gatehouse = async (name, trips, env) => {
  const hash = await seedPractice(env, { code: 'BENCH', prefix: 'user', count: USERS, password: PASSWORD });
  const server = await startProcess(path.join(ROOT, 'dist/src/server.cjs'), env);
  return {
    name,
    trips,
    hash,
    process: server,
    requests: signInRequests({
      headers: await csrfHeaders(server.url),
      practiceCode: 'BENCH',
      prefix: 'user',
      count: USERS,
    }),
  };
};
const servers = [
  await gatehouse('Gatehouse on PostgreSQL', 8, { DATA_DIR: dataDir(), DATABASE_URL: postgres.url }),
  await gatehouse('Gatehouse on SQLite', 0, { DATA_DIR: dataDir() }),
];
const { hash } = servers[0];
for (const trips of tripList.split(',').map(Number)) {
  servers.push({
    name: `floor, ${trips} round trips`,
    trips,
    process: await startProcess(path.join(ROOT, 'bench/sign-in-floor-server.mjs'), {
      TRIPS: String(trips),
      PASSWORD_HASH: hash,
      DATABASE_URL: postgres.url,
      UV_THREADPOOL_SIZE: String(pool),
    }),
    requests: [
      {
        method: 'POST',
        path: '/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: PASSWORD }),
      },
    ],
  });
}

const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
await admin.connect();
/** CPU ms of the server's main thread and of the database's backends so far. */
const cpuNow = async (pid) => ({
  main: cpuMs(`${pid}/task/${pid}`),
  backends: cpuByPid(await postgresBackendPids(admin, postgres.url)),
});
const cpuSince = (before, after) => ({
  main: after.main - before.main,
  backends: cpuMsSince(before.backends, after.backends),
});

try {
  for (const server of servers) Object.assign(server, { ratios: [], mainUs: [], backendUs: [] });
  for (let round = 0; round < ROUNDS; round++) {
    process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
    for (const server of servers) {
      const load = (seconds) =>
        runWrk({ url: server.process.url, connections: pool * 4, seconds, requests: server.requests });
      // Connections the server's pool closed while idle are opened again before the clock starts.
      await load(1);
      const limit = await rawVerifyRate({ pool, inFlight: pool * 4, seconds: SECONDS });
      const before = await cpuNow(server.process.pid);
      const loaded = await load(SECONDS);
      if (loaded.errors > 0) throw new Error(`${server.name}: ${loaded.errors} errors`);
      const cpu = cpuSince(before, await cpuNow(server.process.pid));
      server.ratios.push(loaded.rps / limit);
      server.mainUs.push((cpu.main * 1000) / loaded.requests);
      server.backendUs.push((cpu.backends * 1000) / loaded.requests);
    }
  }
} finally {
  for (const server of servers) await server.process.stop();
  await admin.end();
  await postgres.drop();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const date = new Date().toISOString();
const machine = { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version };
writeResults('sign-in-floor', {
  date,
  machine,
  pool,
  seconds: SECONDS,
  servers: servers.map(({ name, trips, ratios, mainUs, backendUs }) => ({
    name,
    trips,
    ratios,
    median: median(ratios),
    mainUs,
    backendUs,
  })),
});
const pct = (ratio) => `${(ratio * 100).toFixed(1)} %`;
console.log(`\n${date.slice(0, 10)} · ${machine.cores} cores · ${machine.cpu} · Node ${machine.node}\n`);
console.log(
  '| server | round trips to PostgreSQL per sign-in | sign-in / raw argon2id verify rate (median) | rounds | main thread µs per sign-in | PostgreSQL backends µs per sign-in |',
);
console.log('|---|---|---|---|---|---|');
const us = (values) => median(values).toFixed(0);
for (const { name, trips, ratios, mainUs, backendUs } of servers) {
  console.log(
    `| ${name} | ${trips} | ${pct(median(ratios))} | ${ratios.map(pct).join(' / ')} | ${us(mainUs)} | ${us(backendUs)} |`,
  );
}
