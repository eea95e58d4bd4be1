// CPU time read from /proc: of a process, of each of its threads, of the PostgreSQL backends
// serving one database. CPU time is far less sensitive than requests/s to other work on a
// shared machine, so it shows where a request's cost goes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** User + system CPU milliseconds of a process (or, with `<pid>/task/<tid>`, a thread) so far (clock ticks are 10 ms here). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU milliseconds of a process's threads so far, summed by thread name (main, libuv-worker, V8 workers). */
export function threadCpuMs(pid) {
  const byName = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    byName.set(name, (byName.get(name) ?? 0) + cpuMs(`${pid}/task/${tid}`));
  }
  return byName;
}

/** The pids of the PostgreSQL backends connected to databaseUrl's database, asked through admin (a pg.Client). */
export async function postgresBackendPids(admin, databaseUrl) {
  const database = new URL(databaseUrl).pathname.slice(1);
  const { rows } = await admin.query('select pid from pg_stat_activity where datname = $1', [database]);
  return rows.map((row) => row.pid);
}

/** CPU milliseconds so far of each of `pids` still running, by pid. */
export function cpuByPid(pids) {
  return new Map(pids.filter((pid) => existsSync(`/proc/${pid}`)).map((pid) => [pid, cpuMs(pid)]));
}

/** CPU milliseconds spent between two cpuByPid readings: a process gone since counts nothing, a new one all it has. */
export function cpuMsSince(before, after) {
  return [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
}
