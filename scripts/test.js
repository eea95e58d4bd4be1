#!/usr/bin/env node
// `npm test`: lint, typecheck, build, then every test project in one vitest run:
// unit, API and store contract on SQLite, API and store contract on PostgreSQL, resilience (crash, outage), ops (backup, restore), browser end-to-end in
// Debian's Chromium, and the deployment guide (docs/deploy.md) done as written behind Debian's nginx.
// Without PostgreSQL, Chromium or nginx a local run skips that project loudly; under CI=true it fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';

const ci = ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());
const postgresUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const nginx = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

function run(label, command, args) {
  process.stdout.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\n✗ ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

async function postgresAvailable() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function missing(what, hint) {
  if (ci) {
    process.stderr.write(`\n✗ ${what} is required under CI=true. ${hint}\n`);
    process.exit(1);
  }
  process.stderr.write(`\n⚠ SKIPPING: ${what} is not available here. ${hint}\n`);
}

run('lint', 'npx', ['eslint', '.']);
run('format', 'npx', ['prettier', '--check', '.']);
run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('typecheck web', 'npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']);
run('build', 'npm', ['run', 'build', '--silent']);

const projects = ['unit', 'api-sqlite'];
if (await postgresAvailable()) {
  // ops: backup/restore with server and CLI processes, pg_dump/pg_restore (Debian's postgresql-client).
  projects.push('api-postgres', 'ops');
  // Crash and outage tests run servers of their own, and a private PostgreSQL as the postgres user.
  if (process.getuid?.() === 0 && existsSync('/usr/lib/postgresql')) projects.push('resilience');
  else
    missing(
      'root and Debian PostgreSQL binaries (for the resilience tests)',
      'Run as root on a Debian machine.',
    );
  // The deployment guide: its install and upgrade (npm ci from npm's cache), three instances sharing one
  // PostgreSQL behind nginx.
  if (existsSync(nginx)) projects.push('deploy');
  else missing(`nginx at ${nginx}`, 'Install it with "apt-get install -y nginx", or set NGINX_PATH.');
} else missing(`PostgreSQL at ${postgresUrl}`, 'Start it, or set POSTGRES_ADMIN_URL.');
if (existsSync(chromium)) {
  projects.push('e2e');
  // Apps signing in through Gatehouse, in the browser on PostgreSQL too (the provider's storage is ours).
  if (projects.includes('api-postgres')) projects.push('e2e-postgres');
} else
  missing(`Chromium at ${chromium}`, 'Install it with "apt-get install -y chromium", or set CHROMIUM_PATH.');

run(`tests (${projects.join(', ')})`, 'npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p])]);
