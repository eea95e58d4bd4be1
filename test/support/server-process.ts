import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A Gatehouse server as `npm start` runs it (node dist/src/server.cjs) in a child process, for
 * tests that kill, restart or cut it off from its database. Needs `npm run build` first.
 */
export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'gatehouse-proc-'));
}

/** One instance key for every server this test process starts: instances on one database must share it. */
export const INSTANCE_KEY = randomBytes(32).toString('base64');

export async function startServerProcess(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const listenPort = port ?? (await freePort());
  return spawnServer(process.execPath, ['dist/src/server.cjs'], {
    port: listenPort,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      GATEHOUSE_SECRET_KEY: INSTANCE_KEY,
      ...env,
      PORT: String(listenPort),
      HOST: '127.0.0.1',
    },
  });
}

export interface SpawnServerOptions {
  /** The loopback port the server will listen on; readiness is polled at /readyz there. */
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** The user and group to run as (the test runs as root): a systemd unit's User= and Group=. */
  readonly uid?: number;
  readonly gid?: number;
  /** How long to wait for /readyz; `npm start` builds first and needs longer. */
  readonly readyTimeoutMs?: number;
  /**
   * Starts the command in a process group of its own, and kill() signals the whole group: for a
   * command such as `npm start` whose server is a grandchild.
   */
  readonly processGroup?: boolean;
}

/** Any command that ends up serving Gatehouse on `port`: node dist/src/server.cjs, `npm start`, a unit's ExecStart. */
export async function spawnServer(
  command: string,
  args: readonly string[],
  options: SpawnServerOptions,
): Promise<ServerProcess> {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup ?? false,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const signal = (name: NodeJS.Signals) => {
    if (!options.processGroup || child.pid === undefined) return void child.kill(name);
    try {
      process.kill(-child.pid, name);
    } catch {
      // the group is gone already
    }
  };
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      signal('SIGKILL');
      throw new Error(`server did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: options.port,
    child,
    output: () => output,
    kill: (name = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        signal(name);
      }),
  };
}

/** The DEMO administrator's temporary password from a first start's boxed notice (printed just after listening). */
export async function firstRunPassword(server: ServerProcess): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const match = /Temporary Password:\s+(\S+)/.exec(server.output());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) throw new Error(`no temporary password in the output:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
