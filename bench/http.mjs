// `npm run bench`: the real server over loopback, each figure beside its limit measured in the
// same run on the same cores:
//   1. sign-in (password only, distinct users)  vs. raw argon2id verify rate, same parameters
//   2. GET /api/me with a session cookie         vs. a bare Fastify hello-world
//   3. RSS of the idle server and its peak under each load
// SQLite first, then PostgreSQL (a throwaway database). BENCH_SECONDS sets each phase's length.
// The load comes from wrk (bench/lib/wrk.mjs), whose own CPU per request is small.
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { rawVerifyRate } from './lib/argon2-limit.mjs';
import { freshPostgresDatabase, ROOT, rssMiB, startProcess } from './lib/processes.mjs';
import { configFromEnv } from '../dist/src/config.js';
import { writeResults } from './lib/results.mjs';
import { seedPractice } from './lib/seed.mjs';
import { requireWrk, runWrk } from './lib/wrk.mjs';
import { BENCH_PASSWORD as PASSWORD, csrfHeaders, sessionCookies, signInRequests } from './lib/sign-in.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/**
 * Each figure alternates its limit and ours, ROUNDS times, and keeps the round with the median
 * ratio: the host's speed drifts by 10 % and more within a minute, so a limit measured once
 * before ours gave ratios from 64 % to 104 % for the same build.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = 200;
/** Connections of the GET /api/me load, and of its bare Fastify limit. */
const ME_CONNECTIONS = 32;
/**
 * The practice the bench seeds and signs in to; bench/data-size.mjs names a new one for each run
 * on a database it keeps.
 */
const PRACTICE = process.env.BENCH_PRACTICE ?? 'BENCH';
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');

/** Runs a round ROUNDS times; the round with the median ratio, and every round's ratio. */
async function medianRound(round) {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round());
  const sorted = [...rounds].sort((a, b) => a.ratio - b.ratio);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], ratios: rounds.map((r) => r.ratio) };
}

/** Samples a process's RSS while fn runs; returns fn's result with the peak. */
async function withPeakRss(pid, fn) {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 200);
  try {
    return { result: await fn(), peakRss: peak };
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, rssMiB(pid));
  }
}

async function benchDatabase(kind) {
  // BENCH_DATA_DIR / BENCH_DATABASE_URL: a database already filled (bench/data-size.mjs), kept afterwards.
  const dataDir = process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-'));
  const existingUrl = process.env.BENCH_DATABASE_URL;
  const postgres =
    kind !== 'postgres'
      ? undefined
      : existingUrl
        ? { url: existingUrl, drop: async () => undefined }
        : await freshPostgresDatabase('gatehouse_http_bench');
  const env = { DATA_DIR: dataDir, ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
  await seedPractice(env, { code: PRACTICE, prefix: 'user', count: USERS, password: PASSWORD });
  const server = await startProcess(path.join(ROOT, 'dist/src/server.cjs'), env);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleRss = rssMiB(server.pid);
    // The server's own pool size (UV_THREADPOOL_SIZE, else the cores but at least 2).
    const pool = configFromEnv().threadPoolSize;

    const signInHeaders = await csrfHeaders(server.url);
    const signInRound = async () => {
      const limit = await rawVerifyRate({ pool, inFlight: pool * 4, seconds: SECONDS });
      const ours = await withPeakRss(server.pid, () =>
        runWrk({
          url: server.url,
          connections: pool * 4,
          seconds: SECONDS,
          requests: signInRequests({
            headers: signInHeaders,
            practiceCode: PRACTICE,
            prefix: 'user',
            count: USERS,
          }),
        }),
      );
      return { limit, ours, ratio: ours.result.rps / limit };
    };
    const signIn = await medianRound(signInRound);

    // One session per connection, as many staff members signed in at once.
    const sessions = await sessionCookies(server.url, await csrfHeaders(server.url), {
      practiceCode: PRACTICE,
      prefix: 'user',
      count: ME_CONNECTIONS,
      password: PASSWORD,
    });
    const bare = await startProcess(path.join(ROOT, 'bench/bare-fastify.mjs'), {}, { ready: true });
    let me;
    try {
      const meRound = async () => {
        const hello = await runWrk({
          url: bare.url,
          connections: ME_CONNECTIONS,
          seconds: SECONDS,
          requests: [{ path: '/' }],
        });
        const ours = await withPeakRss(server.pid, () =>
          runWrk({
            url: server.url,
            connections: ME_CONNECTIONS,
            seconds: SECONDS,
            requests: sessions.map((session) => ({
              path: '/api/me',
              headers: { cookie: session },
            })),
          }),
        );
        return { limit: hello.rps, ours, ratio: ours.result.rps / hello.rps, hello };
      };
      me = await medianRound(meRound);
    } finally {
      await bare.stop();
    }
    return {
      database: kind,
      threadPool: pool,
      idleRssMiB: idleRss,
      argon2VerifyPerSecond: signIn.limit,
      signIn: {
        ...signIn.ours.result,
        peakRssMiB: signIn.ours.peakRss,
        ratio: signIn.ratio,
        rounds: signIn.ratios,
      },
      authenticatedRequest: {
        ...me.ours.result,
        peakRssMiB: me.ours.peakRss,
        ratio: me.ratio,
        rounds: me.ratios,
      },
      bareFastify: me.hello,
    };
  } finally {
    await server.stop();
    await postgres?.drop();
  }
}

await requireWrk();
const runs = [];
for (const kind of databases) {
  process.stderr.write(`benchmarking ${kind} (${ROUNDS} rounds of ${SECONDS} s per phase)…\n`);
  runs.push(await benchDatabase(kind));
}
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
writeResults('http', { date: new Date().toISOString(), machine, seconds: SECONDS, rounds: ROUNDS, runs });

const f = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(
  `\n${new Date().toISOString().slice(0, 10)} · ${machine.cores} cores · ${machine.cpu} · Node ${machine.node}\n`,
);
console.log(
  '| database | figure | ours | limit | ours / limit (median) | rounds | p50 ms | p99 ms | errors | peak RSS MiB |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
const pct = (ratios) => ratios.map((r) => f(r * 100, 1)).join(' / ');
for (const run of runs) {
  console.log(
    `| ${run.database} | sign-in (req/s) | ${f(run.signIn.rps, 1)} | argon2id verify ${f(run.argon2VerifyPerSecond, 1)}/s | ${f(run.signIn.ratio * 100, 1)} % | ${pct(run.signIn.rounds)} | ${f(run.signIn.p50, 1)} | ${f(run.signIn.p99, 1)} | ${run.signIn.errors} | ${f(run.signIn.peakRssMiB, 1)} |`,
  );
  console.log(
    `| ${run.database} | GET /api/me (req/s) | ${f(run.authenticatedRequest.rps)} | bare Fastify ${f(run.bareFastify.rps)}/s | ${f(run.authenticatedRequest.ratio * 100, 1)} % | ${pct(run.authenticatedRequest.rounds)} | ${f(run.authenticatedRequest.p50, 2)} | ${f(run.authenticatedRequest.p99, 2)} | ${run.authenticatedRequest.errors} | ${f(run.authenticatedRequest.peakRssMiB, 1)} |`,
  );
  console.log(`| ${run.database} | idle RSS | ${f(run.idleRssMiB, 1)} MiB | | | | | | | |`);
}
