// `npm run bench:data-size [-- --scale 0.01]`: is a sign-in's and a GET /api/me's cost
// flat in the size of the data? On each database: the figures of `npm run bench` (bench/http.mjs)
// on an empty database, then on one bulk-seeded (bench/data-size-seed.mjs) with 100,000 users in
// 2,000 practices, 1,000,000 live sessions and 10,000,000 chained events (times --scale), with
// the seeding time; goal: the loaded figures within 10 % of the empty ones. Then every statement
// the server runs for a few sign-ins and GET /api/me on the loaded database is EXPLAINed, and a
// statement that reads a whole table is flagged. Figures and findings in bench/README.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { bulkSeed } from './data-size-seed.mjs';
import { freshPostgresDatabase, ROOT, startProcess } from './lib/processes.mjs';
import { writeResults } from './lib/results.mjs';
import { BENCH_PASSWORD, csrfHeaders, sessionCookie } from './lib/sign-in.mjs';

const { SQLITE_FILE } = await import(path.join(ROOT, 'dist/src/store/database.js'));
const { openServices } = await import(path.join(ROOT, 'dist/src/runtime.js'));
const { configFromEnv } = await import(path.join(ROOT, 'dist/src/config.js'));
const { purgeExpiredRows } = await import(
  path.join(ROOT, 'dist/src/services/operations/expired-rows-purge.js')
);
const { registerSqliteSha256 } = await import(path.join(ROOT, 'dist/src/store/sqlite-sha256.js'));

const scaleAt = process.argv.indexOf('--scale');
const SCALE = Number(scaleAt >= 0 ? process.argv[scaleAt + 1] : (process.env.BENCH_SCALE ?? 1));
if (!(SCALE > 0)) throw new Error('--scale takes a number above 0');
const FULL = { practices: 2000, users: 100_000, sessions: 1_000_000, events: 10_000_000 };
const COUNTS = Object.fromEntries(
  Object.entries(FULL).map(([table, count]) => [table, Math.max(1, Math.round(count * SCALE))]),
);
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
/** --seed-only: seed and keep the databases; --seeded: take the figures on them; else both in one go. */
const MODE = process.argv.includes('--seed-only')
  ? 'seed-only'
  : process.argv.includes('--seeded')
    ? 'seeded'
    : 'all';
/** Sign-ins and GET /api/me requests whose statements are EXPLAINed. */
const PROBES = 3;

/** `npm run bench`'s figures for one database (bench/http.mjs in a child); `existing` reuses a filled one. */
function httpFigures(kind, existing) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bench/http.mjs')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_DATABASES: kind, ...existing },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('exit', (code) => {
      const file = /results: (\S+)/.exec(stderr)?.[1];
      if (code !== 0 || !file) return reject(new Error(`bench/http.mjs exited with ${code}`));
      resolve(JSON.parse(readFileSync(file, 'utf8')).runs[0]);
    });
  });
}

/** A few sign-ins and GET /api/me on a server that traces its SQL; each statement with its plan. */
async function pathPlans(kind, env) {
  const trace = path.join(mkdtempSync(path.join(tmpdir(), 'gh-sql-trace-')), 'trace.jsonl');
  writeFileSync(trace, '');
  const server = await startProcess(path.join(ROOT, 'dist/src/server.cjs'), {
    ...env,
    BENCH_SQL_TRACE: trace,
    NODE_OPTIONS: `--import ${path.join(ROOT, 'bench/data-size-trace.mjs')}`,
  });
  let probed;
  try {
    const before = readFileSync(trace, 'utf8').length;
    const headers = await csrfHeaders(server.url);
    for (let i = 0; i < PROBES; i++) {
      const cookie = await sessionCookie(server.url, headers, {
        practiceCode: env.BENCH_PRACTICE,
        username: `user${i}`,
        password: BENCH_PASSWORD,
      });
      const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
      if (me.status !== 200) throw new Error(`GET /api/me answered ${me.status}`);
    }
    probed = readFileSync(trace, 'utf8').slice(before);
  } finally {
    await server.stop();
  }
  const statements = new Map();
  for (const line of probed.split('\n').filter(Boolean)) {
    const { sql, values } = JSON.parse(line);
    if (/^\s*(select|insert|update|delete|with)\b/i.test(sql) && !statements.has(sql))
      statements.set(sql, values);
  }
  const explain =
    kind === 'postgres' ? await postgresExplainer(env.DATABASE_URL) : sqliteExplainer(env.DATA_DIR);
  try {
    const plans = [];
    for (const [sql, values] of statements) {
      const plan = await explain.plan(sql, values);
      plans.push({ sql, plan, fullScans: plan.filter(explain.isFullScan) });
    }
    return plans;
  } finally {
    await explain.close();
  }
}

/**
 * The scheduled purge's cost on the seeded database (each instance runs it every 10 minutes,
 * services/operations/expired-rows-purge.ts): seconds of each of three passes, and what they deleted.
 */
async function purgePasses(env) {
  const deps = await openServices(configFromEnv({ ...process.env, ...env }));
  try {
    const passes = [];
    for (let pass = 0; pass < 3; pass++) {
      const t0 = performance.now();
      const deleted = await purgeExpiredRows(deps.store, deps.clock);
      passes.push({ seconds: (performance.now() - t0) / 1000, deleted });
    }
    return passes;
  } finally {
    await deps.store.close();
  }
}

async function postgresExplainer(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // A sequential scan only where no index could serve: on a small seed the planner would rightly
  // prefer one over a tiny table even where an index exists.
  await client.query('set enable_seqscan = off');
  return {
    plan: async (sql, values) =>
      (await client.query(`explain ${sql}`, values)).rows.map((row) => row['QUERY PLAN'].trim()),
    isFullScan: (line) => /Seq Scan on /.test(line),
    close: () => client.end(),
  };
}

function sqliteExplainer(dataDir) {
  const db = new SQLite(path.join(dataDir, SQLITE_FILE), { readonly: true });
  // The chain head's claim hashes in SQL, as the server does.
  registerSqliteSha256(db);
  return {
    plan: async (sql, values) =>
      db
        .prepare(`explain query plan ${sql}`)
        .all(...values)
        .map((row) => row.detail),
    // SQLite says SCAN for a whole table read, SEARCH … USING INDEX for a lookup; a scan of
    // json_each (the session lookup's list of ids) reads the parameter, and one of an
    // `N-ROW VALUES CLAUSE` (a multi-row insert) the statement's own rows, not a table.
    isFullScan: (line) =>
      /^SCAN /.test(line) && !/USING (COVERING )?INDEX|VIRTUAL TABLE|-ROW VALUES CLAUSE/.test(line),
    close: async () => db.close(),
  };
}

/**
 * A database seeded with COUNTS. With --seed-only it is kept (and its location printed) so the
 * figures can be taken later with --seeded, apart from the seeding: on a shared host the seeding
 * may run alongside other work, the figures should not.
 */
async function seeded(kind, keep) {
  const postgres = kind === 'postgres' ? await freshPostgresDatabase('gatehouse_data_size') : undefined;
  const env = postgres
    ? { DATABASE_URL: postgres.url }
    : { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gatehouse-data-size-')) };
  process.stderr.write(`${kind}: seeding ${JSON.stringify(COUNTS)}…\n`);
  try {
    const seeding = await bulkSeed(env, COUNTS);
    process.stderr.write(`${kind}: seeded in ${seeding.totalSeconds.toFixed(1)} s\n`);
    if (keep)
      process.stderr.write(
        `${kind}: kept: ${postgres ? `BENCH_DATABASE_URL=${postgres.url}` : `BENCH_DATA_DIR=${env.DATA_DIR}`}\n`,
      );
    const drop = async () =>
      postgres ? postgres.drop() : rmSync(env.DATA_DIR, { recursive: true, force: true });
    return { env, seeding, drop: keep ? async () => undefined : drop };
  } catch (error) {
    await postgres?.drop();
    throw error;
  }
}

/** With --seeded: the database of an earlier --seed-only run (BENCH_DATA_DIR, BENCH_DATABASE_URL). */
function existing(kind) {
  const env =
    kind === 'postgres'
      ? { DATABASE_URL: process.env.BENCH_DATABASE_URL }
      : { DATA_DIR: process.env.BENCH_DATA_DIR };
  if (!Object.values(env)[0])
    throw new Error(`--seeded needs BENCH_${kind === 'postgres' ? 'DATABASE_URL' : 'DATA_DIR'}`);
  return { env, seeding: undefined, drop: async () => undefined };
}

async function run(kind) {
  if (MODE === 'seed-only') return { database: kind, seeding: (await seeded(kind, true)).seeding };
  process.stderr.write(`${kind}: npm run bench's figures on an empty database…\n`);
  const empty = await httpFigures(kind, { BENCH_DATA_DIR: undefined, BENCH_DATABASE_URL: undefined });
  const { env, seeding, drop } = MODE === 'seeded' ? existing(kind) : await seeded(kind, false);
  try {
    process.stderr.write(`${kind}: the same figures on the seeded database…\n`);
    // A practice of its own for each run, so the same seeded database serves again.
    const practice = `B${Date.now().toString(36).toUpperCase()}`;
    const loaded = await httpFigures(kind, {
      BENCH_PRACTICE: practice,
      ...(env.DATABASE_URL ? { BENCH_DATABASE_URL: env.DATABASE_URL } : { BENCH_DATA_DIR: env.DATA_DIR }),
    });
    const plans = await pathPlans(kind, { ...env, BENCH_PRACTICE: practice });
    const purge = await purgePasses(env);
    return { database: kind, seeding, empty, loaded, plans, purge };
  } finally {
    await drop();
  }
}

const results = [];
for (const kind of databases) results.push(await run(kind));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
writeResults('data-size', { date: new Date().toISOString(), machine, scale: SCALE, counts: COUNTS, results });

const f = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(
  `\nscale ${SCALE}: ${Object.entries(COUNTS)
    .map(([table, count]) => `${count.toLocaleString('en-US')} ${table}`)
    .join(', ')} · ${machine.cores} cores · ${machine.cpu} · Node ${machine.node}\n`,
);
for (const { database, seeding } of results.filter((result) => result.seeding))
  console.log(
    `${database}: seeded in ${f(seeding.totalSeconds)} s; per table (s) ${JSON.stringify(seeding.seconds)}`,
  );
const measured = results.filter((result) => result.empty);
if (measured.length > 0) {
  console.log('\n| database | figure | empty req/s | loaded req/s | loaded / empty | goal (≥ 0.90) |');
  console.log('|---|---|---|---|---|---|');
}
for (const { database, empty, loaded } of measured) {
  for (const [figure, key] of [
    ['sign-in', 'signIn'],
    ['GET /api/me', 'authenticatedRequest'],
  ]) {
    const ratio = loaded[key].rps / empty[key].rps;
    console.log(
      `| ${database} | ${figure} | ${f(empty[key].rps)} | ${f(loaded[key].rps)} | ${f(ratio, 2)} | ${ratio >= 0.9 ? 'met' : 'not met'} |`,
    );
  }
}
for (const { database, purge } of measured)
  console.log(
    `${database}: a purge pass on the seeded database took ${purge.map(({ seconds }) => f(seconds, 3)).join(' / ')} s` +
      ` (deleted: ${JSON.stringify(purge[0].deleted)})`,
  );
for (const { database, plans } of measured) {
  console.log(
    `\n${database}: ${plans.length} statements on the sign-in and GET /api/me paths (and any background task)`,
  );
  for (const { sql, fullScans } of plans)
    console.log(
      `  ${fullScans.length > 0 ? `FULL SCAN (${fullScans.join('; ')})` : 'indexed'}: ${sql.slice(0, 140)}`,
    );
}
