// `npm run bench:practice`: one big practice at 8 AM (bench/README.md). A burst of 1,000 staff of ONE
// practice signing in (100 connections), against the same burst spread over 100 practices of
// 10 staff each; every sign-in is an audited write into its practice's chain. On SQLite (one
// instance) and on PostgreSQL with three instances on one database, the connections split
// evenly between them. Goal: one-practice throughput ≥ 0.9 × spread, p99 < 2 × spread p99,
// no errors. Beside each p99 it reports the p99 without each connection's first request, which
// waits for the whole first wave of connections to be read (bench/README.md says why). Figures
// in bench/README.md.
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { runLoad } from './lib/load.mjs';
import { freshPostgresDatabase, startProcess } from './lib/processes.mjs';
import { writeResults } from './lib/results.mjs';
import { seedPractice } from './lib/seed.mjs';
import { BENCH_PASSWORD, csrfHeaders } from './lib/sign-in.mjs';

const STAFF = Number(process.env.BENCH_STAFF ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const SPREAD_PRACTICES = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
/**
 * PostgreSQL pool sizes to compare (DATABASE_POOL_SIZE of every instance), run back to back:
 * BENCH_POOL_SIZES=5,10,20. Unset, the configured default.
 */
const POOL_SIZES = process.env.BENCH_POOL_SIZES?.split(',').map(Number) ?? [undefined];
/** Which burst of a round goes first: BENCH_ORDER=one,spread puts the one practice first. */
const ORDER = (process.env.BENCH_ORDER ?? 'spread,one').split(',');
if (ORDER.length !== 2 || !ORDER.includes('spread') || !ORDER.includes('one'))
  throw new Error('BENCH_ORDER is spread,one or one,spread');
/**
 * Each burst's connections are opened (one GET /readyz each) before its timed sign-ins, so no
 * sign-in waits for its connection to be made and the goal compares what the practices cost,
 * not a wave of 100 connections opened in one millisecond (bench/README.md says why).
 * BENCH_WARM_CONNECTIONS=0 opens them with the first sign-ins instead.
 */
const WARM = process.env.BENCH_WARM_CONNECTIONS !== '0';
/** A bound, not a target: a burst that takes longer than this has failed anyway. */
const BURST_LIMIT_MS = 300_000;

/** The one practice ONE with `STAFF` staff, and S0 … S99 with STAFF / 100 staff each. */
async function seed(env) {
  await seedPractice(env, { code: 'ONE', prefix: 'one', count: STAFF, password: BENCH_PASSWORD });
  for (let p = 0; p < SPREAD_PRACTICES; p++)
    await seedPractice(env, {
      code: `S${p}`,
      prefix: 'staff',
      count: STAFF / SPREAD_PRACTICES,
      password: BENCH_PASSWORD,
    });
}

/** Who signs in as the burst's i-th request: all of ONE, or each practice in turn. */
const WHO = {
  one: (i) => ({ practiceCode: 'ONE', username: `one${i}` }),
  spread: (i) => ({
    practiceCode: `S${i % SPREAD_PRACTICES}`,
    username: `staff${Math.floor(i / SPREAD_PRACTICES)}`,
  }),
};

/** Every staff member signs in once; requests and connections split evenly over the instances. */
async function burst(urls, who) {
  // A browser's CSRF cookie and token per instance, as every sign-in needs (lib/sign-in.mjs).
  const headers = await Promise.all(urls.map((url) => csrfHeaders(url)));
  const started = performance.now();
  const count = urls.length;
  const evenShare = (total, n) => Math.floor(total / count) + (n < total % count ? 1 : 0);
  const parts = await Promise.all(
    urls.map((url, n) =>
      runLoad({
        url,
        connections: evenShare(CONNECTIONS, n),
        durationMs: BURST_LIMIT_MS,
        maxRequests: evenShare(STAFF, n),
        expectStatus: 200,
        warmPath: WARM ? '/readyz' : undefined,
        request: (i) => ({
          method: 'POST',
          path: '/api/auth/login',
          headers: headers[n],
          body: JSON.stringify({ ...who(n + i * count), password: BENCH_PASSWORD }),
        }),
      }),
    ),
  );
  // Warmed, each part's own clock starts after its connections are open.
  const seconds = WARM
    ? Math.max(...parts.map((part) => part.seconds))
    : (performance.now() - started) / 1000;
  // Percentiles of the whole burst: the worst instance's, a bound on the union's.
  return {
    requests: parts.reduce((sum, part) => sum + part.requests, 0),
    seconds,
    rps: parts.reduce((sum, part) => sum + part.requests, 0) / seconds,
    p50: Math.max(...parts.map((part) => part.p50)),
    p99: Math.max(...parts.map((part) => part.p99)),
    p99AfterFirst: Math.max(...parts.map((part) => part.p99AfterFirst)),
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
  };
}

async function run(database, poolSize) {
  const instances = database === 'postgres' ? 3 : 1;
  const pg = database === 'postgres' ? await freshPostgresDatabase('gatehouse_practice_bench') : undefined;
  const env = pg
    ? { DATABASE_URL: pg.url, ...(poolSize ? { DATABASE_POOL_SIZE: String(poolSize) } : {}) }
    : { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gh-practice-')) };
  try {
    await seed(env);
    const servers = [];
    for (let n = 0; n < instances; n++) servers.push(await startProcess('dist/src/server.cjs', env));
    const urls = servers.map((server) => server.url);
    const rounds = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Each burst signs everyone in once more: a session per sign-in, as on a real morning.
        const bursts = {};
        for (const shape of ORDER) bursts[shape] = await burst(urls, WHO[shape]);
        const { spread, one } = bursts;
        rounds.push({ spread, one });
        process.stderr.write(
          `${database}${poolSize ? ` pool ${poolSize}` : ''} round ${round + 1}: spread ${spread.rps.toFixed(1)}/s p99 ${spread.p99.toFixed(0)} ms ` +
            `(after 1st ${spread.p99AfterFirst.toFixed(0)}) errors ${spread.errors}; one practice ${one.rps.toFixed(1)}/s ` +
            `p99 ${one.p99.toFixed(0)} ms (after 1st ${one.p99AfterFirst.toFixed(0)}) errors ${one.errors}\n`,
        );
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    return { database, instances, poolSize: pg ? (poolSize ?? 'default') : '-', rounds };
  } finally {
    await pg?.drop();
  }
}

const results = [];
for (const database of databases)
  for (const poolSize of database === 'postgres' ? POOL_SIZES : [undefined])
    results.push(await run(database, poolSize));

const rows = results.flatMap(({ database, instances, poolSize, rounds }) =>
  rounds.map(({ spread, one }, round) => {
    const throughput = one.rps / spread.rps;
    const p99 = one.p99 / spread.p99;
    const p99AfterFirst = one.p99AfterFirst / spread.p99AfterFirst;
    const met = throughput >= 0.9 && p99 < 2 && one.errors === 0 && spread.errors === 0;
    return (
      `| ${database} | ${instances} | ${poolSize} | ${round + 1} | ${spread.rps.toFixed(1)} | ${one.rps.toFixed(1)} | ` +
      `${throughput.toFixed(2)} | ${spread.p99.toFixed(0)} | ${one.p99.toFixed(0)} | ${p99.toFixed(2)} | ` +
      `${spread.p99AfterFirst.toFixed(0)} | ${one.p99AfterFirst.toFixed(0)} | ${p99AfterFirst.toFixed(2)} | ` +
      `${spread.errors} / ${one.errors} | ${met ? 'met' : 'not met'} |`
    );
  }),
);
console.log(
  [
    `${STAFF} sign-ins per burst, ${CONNECTIONS} connections; ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
    '',
    '| database | instances | pool | round | spread req/s | one practice req/s | one / spread | spread p99 ms | one p99 ms | one / spread p99 | spread p99 after 1st ms | one p99 after 1st ms | one / spread after 1st | errors (spread / one) | goal |',
    '| -------- | --------- | ---- | ----- | ------------ | ------------------ | ------------ | ------------- | ---------- | ---------------- | ----------------------- | -------------------- | ---------------------- | --------------------- | ---- |',
    ...rows,
  ].join('\n'),
);
writeResults('practice', { date: new Date().toISOString(), staff: STAFF, connections: CONNECTIONS, results });
if (results.some(({ rounds }) => rounds.some(({ spread, one }) => spread.errors + one.errors > 0)))
  process.exitCode = 1;
