// `npm run bench:soak`: SOAK_MINUTES (default 10) of moderate mixed load on SQLite, then on
// PostgreSQL — sign-ins, authenticated reads, sign-outs — with RSS sampled every
// SOAK_SAMPLE_SECONDS. Fails (exit 1) on any error or when RSS grows past the bound.
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { runLoad } from './lib/load.mjs';
import { freshPostgresDatabase, ROOT, rssMiB, startProcess } from './lib/processes.mjs';
import { writeResults } from './lib/results.mjs';
import { seedPractice } from './lib/seed.mjs';
import { csrfHeaders, sessionCookies } from './lib/sign-in.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30);
/** Allowed RSS growth from the end of warm-up (first sample) to the end of the run. */
const GROWTH_BOUND_MIB = 64;
const USERS = 50;
const PASSWORD = 'soak password: correct horse battery staple';
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');

/** One sample period of mixed load: a sign-in, then reads, then a sign-out, per simulated user. */
async function mixedLoad(url, seconds) {
  const base = await csrfHeaders(url, 'gatehouse-soak/1.0');
  const sessions = await sessionCookies(url, base, {
    practiceCode: 'SOAK',
    prefix: 'soak',
    count: 8,
    password: PASSWORD,
  });
  const [signIns, reads] = await Promise.all([
    runLoad({
      url,
      connections: 2,
      durationMs: seconds * 1000,
      expectStatus: 200,
      request: (i) => ({
        method: 'POST',
        path: '/api/auth/login',
        headers: base,
        body: JSON.stringify({ practiceCode: 'SOAK', username: `soak${i % USERS}`, password: PASSWORD }),
      }),
    }),
    runLoad({
      url,
      connections: 4,
      durationMs: seconds * 1000,
      expectStatus: 200,
      request: (i) => ({
        path: i % 2 ? '/api/me' : '/api/auth/session',
        headers: { ...base, cookie: sessions[i % sessions.length] },
      }),
    }),
  ]);
  for (const session of sessions) {
    const token = session.split('gh_csrf=')[1];
    await fetch(`${url}/api/auth/logout`, {
      method: 'POST',
      headers: { ...base, cookie: session, 'x-csrf-token': token },
    });
  }
  return { signIns, reads };
}

async function soak(kind) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-soak-'));
  const postgres = kind === 'postgres' ? await freshPostgresDatabase('gatehouse_soak') : undefined;
  const env = { DATA_DIR: dataDir, ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
  await seedPractice(env, { code: 'SOAK', prefix: 'soak', count: USERS, password: PASSWORD });
  const server = await startProcess(path.join(ROOT, 'dist/src/server.cjs'), env);
  const samples = [];
  try {
    const started = Date.now();
    while (Date.now() - started < MINUTES * 60_000) {
      const { signIns, reads } = await mixedLoad(server.url, SAMPLE_SECONDS);
      const sample = {
        minute: (Date.now() - started) / 60_000,
        rssMiB: rssMiB(server.pid),
        signInsPerSecond: signIns.rps,
        readsPerSecond: reads.rps,
        errors: signIns.errors + reads.errors,
      };
      samples.push(sample);
      process.stderr.write(
        `${kind} ${sample.minute.toFixed(1)} min: RSS ${sample.rssMiB.toFixed(1)} MiB, errors ${sample.errors}\n`,
      );
    }
  } finally {
    await server.stop();
    await postgres?.drop();
  }
  const first = samples[0]?.rssMiB ?? 0;
  const last = samples.at(-1)?.rssMiB ?? 0;
  const errors = samples.reduce((sum, sample) => sum + sample.errors, 0);
  return {
    database: kind,
    samples,
    growthMiB: last - first,
    errors,
    ok: errors === 0 && last - first <= GROWTH_BOUND_MIB,
  };
}

const runs = [];
for (const kind of databases) runs.push(await soak(kind));
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
writeResults('soak', {
  date: new Date().toISOString(),
  machine,
  minutes: MINUTES,
  growthBoundMiB: GROWTH_BOUND_MIB,
  runs,
});

for (const run of runs) {
  console.log(
    `\n${run.database}: ${MINUTES} min, errors ${run.errors}, RSS growth ${run.growthMiB.toFixed(1)} MiB (bound ${GROWTH_BOUND_MIB}) → ${run.ok ? 'PASS' : 'FAIL'}`,
  );
  console.log('| minute | RSS MiB | sign-ins/s | reads/s | errors |');
  console.log('|---|---|---|---|---|');
  for (const s of run.samples) {
    console.log(
      `| ${s.minute.toFixed(1)} | ${s.rssMiB.toFixed(1)} | ${s.signInsPerSecond.toFixed(1)} | ${s.readsPerSecond.toFixed(0)} | ${s.errors} |`,
    );
  }
}
process.exitCode = runs.every((run) => run.ok) ? 0 : 1;
