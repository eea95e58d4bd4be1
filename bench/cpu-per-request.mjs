#!/usr/bin/env node
// CPU time per request, read from /proc: the server process, the PostgreSQL backends serving its
// database, and the load generator (this process). CPU time is far less sensitive than
// requests/s to other work on a shared machine, so it shows where a request's cost goes.
// Usage: node bench/cpu-per-request.mjs [sqlite|postgres|bare] [me|login] [requests]
//   me:    GET /api/me with one session, 32 connections
//   login: POST /api/auth/login, password only, 200 users in turn, 8 connections
//   bare:  bench/bare-fastify.mjs with the same load as `me` (the limit any request can reach)
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cpuMs, postgresBackendPids, threadCpuMs } from './lib/cpu.mjs';
import { runLoad } from './lib/load.mjs';
import { freshPostgresDatabase, POSTGRES_ADMIN_URL, ROOT, startProcess } from './lib/processes.mjs';
import { seedPractice } from './lib/seed.mjs';
import { csrfHeaders, sessionCookies } from './lib/sign-in.mjs';

const PASSWORD = 'bench password: correct horse battery staple';
const [kind = 'sqlite', what = 'me', count = '20000'] = process.argv.slice(2);
const REQUESTS = Number(count);

async function measure(url, connections, request, processesOf) {
  await runLoad({
    url,
    connections,
    durationMs: 60_000,
    maxRequests: Math.ceil(REQUESTS / 10),
    request,
    expectStatus: 200,
  });
  // After the warm-up, so that every pool connection (and its backend) exists.
  const pids = await processesOf();
  const before = { pids: pids.map(cpuMs), threads: threadCpuMs(pids[0]), self: process.cpuUsage() };
  const started = process.hrtime.bigint();
  const result = await runLoad({
    url,
    connections,
    durationMs: 300_000,
    maxRequests: REQUESTS,
    request,
    expectStatus: 200,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const self = process.cpuUsage(before.self);
  const perRequest = (ms) => ((ms * 1000) / result.requests).toFixed(1);
  // A PostgreSQL backend that ended meanwhile (the pool closed an idle connection) counts nothing.
  const spent = pids.map((pid, i) => (existsSync(`/proc/${pid}`) ? cpuMs(pid) - (before.pids[i] ?? 0) : 0));
  // Each server thread's share of the wall time: is the thread pool (argon2) busy all the time?
  const threads = [...threadCpuMs(pids[0])]
    .map(([name, ms]) => [name, ms - (before.threads.get(name) ?? 0)])
    .filter(([, ms]) => ms > 0)
    .map(
      ([name, ms]) => `${name} ${perRequest(ms)} µs/request (${Math.round((100 * ms) / wallMs)} % of wall)`,
    );
  console.log(
    `server threads: ${threads.join('; ')}; ${(result.requests / (wallMs / 1000)).toFixed(1)} requests/s`,
  );
  return { result, perRequest, spent, loadGenerator: (self.user + self.system) / 1000 };
}

if (kind === 'bare') {
  const bare = await startProcess(path.join(ROOT, 'bench/bare-fastify.mjs'), {}, { ready: true });
  const { result, perRequest, spent, loadGenerator } = await measure(
    bare.url,
    32,
    () => ({ path: '/' }),
    async () => [bare.pid],
  );
  console.log(
    `bare Fastify: ${result.requests} requests, ${result.errors} errors; CPU µs per request: server ${perRequest(spent[0])}, load generator ${perRequest(loadGenerator)}`,
  );
  await bare.stop();
} else {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-'));
  const postgres = kind === 'postgres' ? await freshPostgresDatabase('gatehouse_cpu') : undefined;
  const env = { DATA_DIR: dataDir, ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
  await seedPractice(env, { code: 'BENCH', prefix: 'user', count: 200, password: PASSWORD });
  const server = await startProcess(path.join(ROOT, 'dist/src/server.cjs'), env);
  const headers = await csrfHeaders(server.url);
  const loginBody = (i) =>
    JSON.stringify({ practiceCode: 'BENCH', username: `user${i % 200}`, password: PASSWORD });
  // One session per connection, as bench/http.mjs does.
  const sessions =
    what === 'me'
      ? await sessionCookies(server.url, headers, {
          practiceCode: 'BENCH',
          prefix: 'user',
          count: 32,
          password: PASSWORD,
        })
      : [];
  // The PostgreSQL backends of this database, read from the server's side of the connections.
  const admin =
    postgres &&
    new pg.Client({
      connectionString: POSTGRES_ADMIN_URL,
    });
  await admin?.connect();
  const backendPids = async () => (admin ? postgresBackendPids(admin, postgres.url) : []);
  const request =
    what === 'me'
      ? (i) => ({ path: '/api/me', headers: { cookie: sessions[i % sessions.length] } })
      : (i) => ({ method: 'POST', path: '/api/auth/login', headers, body: loginBody(i) });
  try {
    const { result, perRequest, spent, loadGenerator } = await measure(
      server.url,
      what === 'me' ? 32 : 8,
      request,
      async () => [server.pid, ...(await backendPids())],
    );
    const [serverMs = 0, ...backendMs] = spent;
    console.log(
      `${kind} ${what}: ${result.requests} requests, ${result.errors} errors; CPU µs per request: ` +
        `server ${perRequest(serverMs)}, postgres ${perRequest(backendMs.reduce((a, b) => a + b, 0))}, load generator ${perRequest(loadGenerator)}`,
    );
  } finally {
    await admin?.end();
    await server.stop();
    await postgres?.drop();
  }
}
