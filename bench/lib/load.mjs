// A small closed-loop HTTP load generator on loopback: `connections` loops each send one request,
// wait for the answer, and go again, until `durationMs` or `maxRequests` is reached.
// Reports requests/s, latency percentiles and errors. Bounded in time and count by design.
import http from 'node:http';

/**
 * @param {{
 *   url: string,
 *   connections: number,
 *   durationMs: number,
 *   maxRequests?: number,
 *   request: (i: number) => { method?: string, path: string, headers?: Record<string, string>, body?: string },
 *   expectStatus?: number,
 *   warmPath?: string,
 * }} options
 *
 * `warmPath`: before the timed requests, every connection is opened with one GET of this path,
 * so that no timed request waits for a connection to be made and first read.
 */
export async function runLoad(options) {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  if (options.warmPath) await warm(agent, target, options.connections, options.warmPath);
  const latencies = [];
  // Latencies of every request but a connection's first, which also waits for the connect and,
  // when every connection opens at once, for the server to read the whole first wave (README,
  // "Where the one-practice tail came from").
  const afterFirst = [];
  let sent = 0;
  let errors = 0;
  const statuses = new Map();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(options.durationMs) * 1_000_000n;

  const once = (i, first) =>
    new Promise((resolve) => {
      const spec = options.request(i);
      const begin = process.hrtime.bigint();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: spec.method ?? 'GET',
          path: spec.path,
          headers: spec.body
            ? {
                ...spec.headers,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(spec.body),
              }
            : spec.headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - begin) / 1e6;
            latencies.push(ms);
            if (!first) afterFirst.push(ms);
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            if (options.expectStatus !== undefined && res.statusCode !== options.expectStatus) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      if (spec.body) req.write(spec.body);
      req.end();
    });

  const loop = async () => {
    for (let first = true; process.hrtime.bigint() < deadline && sent < maxRequests; first = false) {
      await once(sent++, first);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  afterFirst.sort((a, b) => a - b);
  const pickOf = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const pick = (q) => pickOf(latencies, q);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    /** p99 of the requests after each connection's first. */
    p99AfterFirst: pickOf(afterFirst, 0.99),
    errors,
    statuses: Object.fromEntries(statuses),
  };
}

/** Opens `connections` keep-alive sockets on the agent, one GET of `path` each, all at once. */
async function warm(agent, target, connections, path) {
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise((resolve, reject) => {
          const req = http.request({ host: target.hostname, port: target.port, path, agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
}
