// Loads a server with wrk (Debian package `wrk`), a load generator in C: its own CPU per request
// is a few microseconds, so on a 2-core machine a ratio measures the servers, not the load
// generator (Node's http client spends 50–80 µs per request and up to 0.6 ms at low rates).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Fails with what to install when wrk is missing, before any server starts. */
export async function requireWrk() {
  try {
    await run('wrk', ['--version']);
  } catch (error) {
    // wrk --version prints its banner and exits 1; a missing wrk prints nothing.
    if (!/wrk/.test(`${error.stdout}${error.stderr}`))
      throw new Error('wrk is not installed: apt-get install -y wrk');
  }
}

const luaString = (text) => `[==[${text}]==]`;

/**
 * A Lua script sending `requests` ({ method, path, headers, body }) in turn, round robin; with
 * `once`, each only once, then nothing more (wrk writes the empty request as nothing, so each
 * connection waits idle until the phase ends).
 */
function script(requests, once) {
  const next = once
    ? 'if i > #requests then return "" end return requests[i]'
    : 'return requests[(i % #requests) + 1]';
  const formatted = requests.map(
    ({ method = 'GET', path: requestPath, headers = {}, body }) =>
      `wrk.format(${luaString(method)}, ${luaString(requestPath)}, {${Object.entries(headers)
        .map(([name, value]) => `[ ${luaString(name)} ] = ${luaString(value)}`)
        .join(', ')}}${body === undefined ? '' : `, ${luaString(body)}`})`,
  );
  return `local requests = {}
local i = 0
function init(args)
  requests = { ${formatted.join(',\n    ')} }
end
function request()
  i = i + 1
  ${next}
end
`;
}

const MS = { us: 0.001, ms: 1, s: 1000 };

/**
 * `connections` connections on one wrk thread for `seconds`, each sending the next of `requests`
 * (with `once`, each request at most once: requests that may not be repeated, such as codes).
 * Returns requests/s, p50 and p99 latency in ms, and errors (answers outside 2xx/3xx, socket errors).
 */
export async function runWrk({ url, connections, seconds, requests, once = false }) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-wrk-')), 'requests.lua');
  writeFileSync(file, script(requests, once));
  const { stdout } = await run('wrk', [
    '--threads=1',
    `--connections=${connections}`,
    `--duration=${seconds}s`,
    '--latency',
    `--script=${file}`,
    url,
  ]);
  const number = (pattern) => Number(pattern.exec(stdout)?.[1] ?? 0);
  const latency = (percent) => {
    const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(stdout);
    return match ? Number(match[1]) * MS[match[2]] : NaN;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requests: number(/(\d+) requests in/),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50: latency(50),
    p99: latency(99),
    errors:
      number(/Non-2xx or 3xx responses: (\d+)/) +
      (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  };
}
