#!/usr/bin/env node
// Activity-log benchmark (bench/README.md "Activity log"): loads N events (--staff users, 2 years, one practice) into
// SQLite and PostgreSQL, then measures with the product's own query code (dist/, so run
// `npm run build` first):
//   - one user's newest page of 50 (GET /api/staff/:id/activity),
//   - the practice log filtered by one type over the last 3 months, and over a 3-month window a
//     year back (GET /api/activity?type=&from=&to=),
//   - CSV export rate and the process's peak RSS (GET /api/activity/export.csv),
//   - the Security Overview (GET /api/practice/security-overview) and the staff list filtered to
//     failed-sign-in bursts (GET /api/staff?filter=failed_sign_in_burst) over --staff users
//     (1,000 by default; 60 % with two-factor authentication), whose events the log holds.
// Usage: node bench/activity.mjs [--rows 10000000] [--staff 1000] [--db sqlite,postgres] [--export-rows N]
// (A quick check that it runs: --rows 200000 --samples 20; every user then has enough events.)
// PostgreSQL: POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test); a database
// gatehouse_bench is (re)created. SQLite: bench/results/activity.sqlite (recreated).
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../dist/src/store/database.js';
import { serviceDeps } from '../dist/src/runtime.js';
import { migrateToLatest } from '../dist/src/store/migrate.js';
import { listActivity } from '../dist/src/store/activity-store.js';
import { activityCsv } from '../dist/src/services/activity/activity-export.js';
import { practiceSecurityOverview } from '../dist/src/services/settings/practice-security-overview.js';
import { listStaff } from '../dist/src/services/staff/staff-list.js';
import { DEFAULT_SECURITY_SETTINGS } from '../dist/src/domain/security-settings.js';
import { findPracticeById, insertPractice } from '../dist/src/store/practice-store.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    db: { type: 'string', default: 'sqlite,postgres' },
    'export-rows': { type: 'string', default: '2000000' },
    samples: { type: 'string', default: '300' },
    staff: { type: 'string', default: '1000' },
    // Measure the databases a previous run loaded, in a fresh process (honest peak RSS).
    'skip-load': { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const EXPORT_ROWS = Number(values['export-rows']);
const SAMPLES = Number(values.samples);
const USERS = Number(values.staff);
const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 28);
const START = END - 730 * DAY;
const CHAIN = 'bench-practice';
const RESULTS = path.resolve('bench/results');
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const USER_IDS = Array.from({ length: USERS }, () => randomUUID());
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
// Event mix of a busy practice: mostly sign-ins and session ends.
const MIX = [
  ['login.succeeded', 30, 'self'],
  ['logout', 20, 'self'],
  ['session.expired', 15, 'system'],
  ['login.failed', 10, 'system'],
  ['two_factor.succeeded', 10, 'self'],
  ['activity.viewed', 5, 'admin'],
  ['password.changed', 3, 'self'],
  ['session.revoked', 3, 'admin'],
  ['user.updated', 2, 'admin'],
  ['settings.changed', 2, 'admin'],
  ['account.locked', 1, 'system'],
];
const WHEEL = MIX.flatMap(([type, weight, actor]) => Array(weight).fill([type, actor]));

/** A deterministic pseudo-random stream, so both databases get the same log. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

/** Yields rows in seq order with a real hash chain (the same canonical content as eventHash). */
function* events(count) {
  const random = rng(42);
  let prev = '0'.repeat(64);
  for (let seq = 1; seq <= count; seq++) {
    const [type, role] = WHEEL[Math.floor(random() * WHEEL.length)];
    const user = Math.floor(random() * USERS);
    const userId = USER_IDS[user];
    const actor = role === 'self' ? userId : role === 'admin' ? USER_IDS[0] : null;
    const at = START + Math.floor(((END - START) * seq) / count);
    const ua = AGENTS[user % AGENTS.length];
    const ip = `10.${user % 250}.${(seq >> 8) & 255}.${seq & 255}`;
    const details = type === 'login.failed' ? '{"reason":"wrong_password"}' : '{}';
    const id = randomUUID();
    const canonical = JSON.stringify([
      id,
      CHAIN,
      seq,
      CHAIN,
      at,
      type,
      type === 'login.failed' ? 'failure' : 'success',
      actor,
      actor && `user${actor === USER_IDS[0] ? 0 : user}`,
      userId,
      `user${user}`,
      ip,
      ua,
      type === 'login.failed' ? [['reason', 'wrong_password']] : [],
      prev,
    ]);
    const hash = createHash('sha256').update(canonical).digest('hex');
    yield [
      id,
      CHAIN,
      seq,
      CHAIN,
      at,
      type,
      type === 'login.failed' ? 'failure' : 'success',
      actor,
      actor && `user${actor === USER_IDS[0] ? 0 : user}`,
      userId,
      `user${user}`,
      ip,
      ua,
      details,
      prev,
      hash,
    ];
    prev = hash;
  }
}

const COLUMNS = [
  'id',
  'chain_id',
  'seq',
  'practice_id',
  'at',
  'type',
  'outcome',
  'actor_id',
  'actor_username',
  'target_id',
  'target_username',
  'ip',
  'user_agent',
  'details',
  'prev_hash',
  'hash',
];

function progress(label, done, started) {
  const rate = Math.round(done / ((Date.now() - started) / 1000));
  process.stdout.write(`\r  ${label}: ${done.toLocaleString()} rows (${rate.toLocaleString()}/s)   `);
}

async function loadSqlite(file) {
  const db = new SQLite(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000000');
  const insert = db.prepare(
    `insert into audit_events (${COLUMNS.join(',')}) values (${COLUMNS.map(() => '?').join(',')})`,
  );
  const batch = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  const started = Date.now();
  let rows = [];
  let done = 0;
  let last;
  for (const row of events(ROWS)) {
    rows.push(row);
    last = row;
    if (rows.length === 50_000) {
      batch(rows);
      done += rows.length;
      rows = [];
      progress('sqlite load', done, started);
    }
  }
  batch(rows);
  db.prepare('insert into audit_chains (chain_id, last_seq, last_hash) values (?, ?, ?)').run(
    CHAIN,
    ROWS,
    last[15],
  );
  db.exec('analyze');
  db.pragma('journal_mode = WAL');
  db.close();
  return (Date.now() - started) / 1000;
}

async function loadPostgres(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Secondary indexes are built after the load (as a restore would), the primary key and chain order stay.
  const indexes = [
    ['audit_events_actor_at', 'actor_id, at, seq'],
    ['audit_events_target_at', 'target_id, at, seq'],
    ['audit_events_chain_at', 'chain_id, at, seq'],
    ['audit_events_chain_type_at', 'chain_id, type, at, seq'],
  ];
  for (const [name] of indexes) await client.query(`drop index ${name}`);
  const types = [
    'text',
    'text',
    'int8',
    'text',
    'int8',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
  ];
  const sql = `insert into audit_events (${COLUMNS.join(',')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(',')})`;
  const started = Date.now();
  let columns = COLUMNS.map(() => []);
  let done = 0;
  let last;
  const flush = async () => {
    await client.query(sql, columns);
    done += columns[0].length;
    columns = COLUMNS.map(() => []);
    progress('postgres load', done, started);
  };
  for (const row of events(ROWS)) {
    row.forEach((value, i) => columns[i].push(value));
    last = row;
    if (columns[0].length === 10_000) await flush();
  }
  if (columns[0].length > 0) await flush();
  await client.query('insert into audit_chains (chain_id, last_seq, last_hash) values ($1, $2, $3)', [
    CHAIN,
    ROWS,
    last[15],
  ]);
  await client.query("set maintenance_work_mem = '1GB'");
  for (const [name, columns] of indexes)
    await client.query(`create index ${name} on audit_events (${columns})`);
  await client.query('vacuum analyze audit_events');
  await client.end();
  return (Date.now() - started) / 1000;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** p50 and p95 of `run`, each answer passed to `check` (which throws when it is wrong). */
async function timeQuery(label, run, check = (page) => page.events.length === 50) {
  for (let i = 0; i < 20; i++) await run(i); // warm-up
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = process.hrtime.bigint();
    const answer = await run(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (!check(answer))
      throw new Error(`${label}: unexpected answer ${JSON.stringify(answer).slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/**
 * The practice the log belongs to (its id is the chain's) and its staff, the event's user ids:
 * every user has a chosen password, 60 % have two-factor authentication, some never signed in.
 */
async function loadStaff(store) {
  const { db } = store;
  await insertPractice(db, {
    id: CHAIN,
    code: 'BENCH',
    name: 'Bench Practice',
    settings: {
      ...DEFAULT_SECURITY_SETTINGS,
      passwordPolicy: { ...DEFAULT_SECURITY_SETTINGS.passwordPolicy, expiryDays: 90 },
    },
    createdAt: START,
  });
  const random = rng(11);
  for (let first = 0; first < USERS; first += 200) {
    const ids = USER_IDS.slice(first, first + 200);
    await db
      .insertInto('users')
      .values(
        ids.map((id, i) => {
          const n = first + i;
          const lastLogin = random() < 0.1 ? null : END - Math.floor(random() * 200) * DAY;
          return {
            id,
            practice_id: CHAIN,
            username: `user${n}`,
            username_folded: `user${n}`,
            first_name: 'Sam',
            last_name: `Staff${n}`,
            email: `user${n}@bench.test`,
            roles: '["clinician"]',
            supervisor: 0,
            status: random() < 0.05 ? 'deactivated' : 'active',
            password_hash: 'not-a-hash',
            password_changed_at: END - Math.floor(random() * 180) * DAY,
            password_must_change: 0,
            temporary_password_expires_at: null,
            locked_until: random() < 0.01 ? END + DAY : null,
            last_login_at: lastLogin,
            last_login_ip: lastLogin === null ? null : '10.0.0.1',
            last_login_user_agent: lastLogin === null ? null : AGENTS[0],
            created_at: START,
            updated_at: END,
          };
        }),
      )
      .execute();
    const withTwoFactor = ids.filter((_, i) => (first + i) % 5 < 3);
    if (withTwoFactor.length > 0)
      await db
        .insertInto('two_factor_totp')
        .values(
          withTwoFactor.map((id) => ({
            user_id: id,
            secret_box: 'not-a-box',
            enabled_at: START,
            last_step: 0,
            created_at: START,
          })),
        )
        .execute();
  }
}

/** The overview and the burst-filtered staff list, as a Practice Administrator opens them at the log's end. */
async function measureOversight(store) {
  const practice = await findPracticeById(store.db, CHAIN);
  if (!practice) throw new Error('the bench practice is missing: load it again (without --skip-load)');
  const deps = serviceDeps({ store, clock: { now: () => END } });
  const overview = await timeQuery(
    'security overview',
    () => practiceSecurityOverview(deps, { practice }),
    (answer) =>
      answer.counts.active + answer.counts.deactivated === USERS && answer.counts.twoFactorEnabled > 0,
  );
  const bursts = await timeQuery(
    'staff list, failed-sign-in bursts',
    () => listStaff(deps, { practice, filter: 'failed_sign_in_burst' }),
    (answer) => Array.isArray(answer),
  );
  const sample = await practiceSecurityOverview(deps, { practice });
  return { securityOverview: overview, staffListBursts: bursts, overviewCounts: sample.counts };
}

async function measure(store) {
  const random = rng(7);
  // The users of the loaded log (a run with --skip-load did not make them in this process).
  const early = await store.db
    .selectFrom('audit_events')
    .select('target_id')
    .where('chain_id', '=', CHAIN)
    .orderBy('seq')
    .limit(20_000)
    .execute();
  const users = [...new Set(early.map((row) => row.target_id).filter(Boolean))];
  const user = () => users[Math.floor(random() * users.length)];
  const userPage = await timeQuery('user page', () =>
    listActivity(store.db, { chainId: CHAIN, userId: user(), limit: 50 }),
  );
  const recent = await timeQuery('type, last 3 months', () =>
    listActivity(store.db, {
      chainId: CHAIN,
      types: ['login.failed'],
      fromAt: END - 90 * DAY,
      toAt: END,
      limit: 50,
    }),
  );
  const yearBack = await timeQuery('type, 3 months a year back', () =>
    listActivity(store.db, {
      chainId: CHAIN,
      types: ['login.failed'],
      fromAt: END - 455 * DAY,
      toAt: END - 365 * DAY,
      limit: 50,
    }),
  );
  // Export: pull CSV from the generator as a stream would, counting rows, watching RSS.
  let peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  const watch = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = process.hrtime.bigint();
  let rows = -1;
  let bytes = 0;
  for await (const chunk of activityCsv({ store }, { scope: { chainId: CHAIN }, filters: { limit: 50 } })) {
    // The bytes a socket write sends; rows counted by their line feeds (CR and LF never occur in a cell).
    const encoded = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = encoded.indexOf(10); at !== -1; at = encoded.indexOf(10, at + 1)) rows++;
    bytes += encoded.length;
    if (rows >= EXPORT_ROWS) break;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(watch);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    userPage,
    ...(await measureOversight(store)),
    typeRecent3Months: recent,
    typeYearBack3Months: yearBack,
    export: {
      rows,
      rowsPerSecond: Math.round(rows / seconds),
      megabytes: Math.round(bytes / 1e6),
      rssBeforeMb: Math.round(rssBefore / 1e6),
      peakRssMb: Math.round(peakRss / 1e6),
    },
  };
}

async function runSqlite() {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, 'activity.sqlite');
  let loadSeconds = 0;
  if (!values['skip-load']) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    const store = openStore({ dataDir: RESULTS, sqliteFile: 'activity.sqlite' });
    await migrateToLatest(store);
    await loadStaff(store);
    await store.close();
    loadSeconds = await loadSqlite(file);
    process.stdout.write('\n');
  }
  const measuring = openStore({ dataDir: RESULTS, sqliteFile: 'activity.sqlite' });
  const result = await measure(measuring);
  await measuring.close();
  return { loadSeconds: Math.round(loadSeconds), ...result };
}

async function runPostgres() {
  const url = new URL(ADMIN_URL);
  url.pathname = '/gatehouse_bench';
  let loadSeconds = 0;
  if (!values['skip-load']) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query('drop database if exists gatehouse_bench with (force)');
    await admin.query('create database gatehouse_bench');
    await admin.end();
    const store = openStore({ databaseUrl: url.toString(), dataDir: RESULTS });
    await migrateToLatest(store);
    await loadStaff(store);
    await store.close();
    loadSeconds = await loadPostgres(url.toString());
    process.stdout.write('\n');
  }
  const measuring = openStore({ databaseUrl: url.toString(), dataDir: RESULTS });
  const result = await measure(measuring);
  await measuring.close();
  return { loadSeconds: Math.round(loadSeconds), ...result };
}

const report = { rows: ROWS, staff: USERS, days: 730, samples: SAMPLES, node: process.version, results: {} };
for (const db of values.db.split(',')) {
  process.stdout.write(
    `${db}: ${values['skip-load'] ? 'measuring' : 'loading'} ${ROWS.toLocaleString()} events…\n`,
  );
  report.results[db] = db === 'postgres' ? await runPostgres() : await runSqlite();
  process.stdout.write(`${JSON.stringify(report.results[db], null, 2)}\n`);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
