import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import {
  guideBlock,
  runShell,
  shellEnvironment,
  substitute,
  unitCommand,
  type GuideBlock,
  type Substitutions,
} from './guide.js';
import { freePort } from '../support/free-port.js';

/**
 * A machine docs/deploy.md is applied to, inside a temp folder: its /etc/gatehouse, the service
 * user's folders (made by the guide's block, as the `gatehouse` user the guide creates), a
 * self-signed certificate for localhost, and a free loopback port for each port the guide names.
 * `substitutions` turns the guide's blocks into this machine's.
 */
export interface GuideMachine {
  readonly dir: string;
  readonly dataDir: string;
  /** The service user's uid and gid. */
  readonly owner: { readonly uid: number; readonly gid: number };
  /** PUBLIC_URL of this machine: https://localhost:<the port nginx's 443 became>. */
  readonly publicUrl: string;
  /** The certificate nginx serves (PEM), for clients to trust. */
  readonly certificate: string;
  readonly substitutions: Substitutions;
  /** The loopback port that the guide's port became. */
  port(guidePort: number): number;
  /** Runs blocks of the guide as one shell script after the guide's `gatehouse` command-line helper. */
  shell(...blocks: readonly GuideBlock[]): Promise<string>;
  /** The same, in the folder `cwd` (the guide's "in your checkout"). */
  shellIn(cwd: string, ...blocks: readonly GuideBlock[]): Promise<string>;
  /** Runs what an operator types into root's shell (`gatehouse …`, `systemctl …`) after the command-line helper. */
  command(text: string): Promise<string>;
  /** The instances of the unit running now (started by the guide's `systemctl`), by the guide's port. */
  running(): ServerProcess[];
  /** The guide's `gatehouse practice create` and the administrator it printed. */
  createFirstPractice(): Promise<FirstAdmin>;
  /** Stops every instance and the machine's systemd, and removes its folder. */
  close(): Promise<void>;
}

export interface FirstAdmin {
  readonly practiceCode: string;
  readonly username: string;
  readonly temporaryPassword: string;
}

const GUIDE_PORTS = [80, 443, 3000, 3001, 3002, 3003] as const;
/** The service user the guide creates and runs everything as. */
const SERVICE_USER = 'gatehouse';

/** Owner, group and permission bits of a file, as `stat -c '%u:%g %a'` shows them. */
export function ownerAndMode(file: string): string {
  const { uid, gid, mode } = statSync(file);
  return `${uid}:${gid} ${(mode & 0o777).toString(8)}`;
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}

export interface GuideMachineOptions {
  /** What the guide's DATABASE_URL becomes (all of it). */
  readonly databaseUrl?: string;
  /** Where the guide's /opt/gatehouse is; this checkout (built) unless the test installs it. */
  readonly installDir?: string;
  /** More replacements, applied before the machine's own. */
  readonly substitutions?: Substitutions;
  /** More environment for the shell (npm's settings, say). */
  readonly env?: Record<string, string>;
}

export async function guideMachine(options: GuideMachineOptions = {}): Promise<GuideMachine> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-deploy-'));
  // The service user must reach its folders inside.
  chmodSync(dir, 0o755);
  const home = path.join(dir, 'var-lib-gatehouse');
  const dataDir = path.join(home, 'data');
  const ports = new Map<number, number>();
  for (const guidePort of GUIDE_PORTS) ports.set(guidePort, await freePort());
  const port = (guidePort: number) => {
    const found = ports.get(guidePort);
    if (found === undefined) throw new Error(`the guide uses port ${guidePort}, which the test does not map`);
    return found;
  };
  const publicUrl = `https://localhost:${port(443)}`;
  const key = path.join(dir, 'privkey.pem');
  const cert = path.join(dir, 'fullchain.pem');
  execFileSync('openssl', [
    ...['req', '-x509', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
    ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-keyout', key, '-out', cert],
    ...['-addext', 'subjectAltName=DNS:localhost'],
  ]);

  const substitutions: Substitutions = [
    ...(options.substitutions ?? []),
    ['/etc/letsencrypt/live/gatehouse.example.org/fullchain.pem', cert],
    ['/etc/letsencrypt/live/gatehouse.example.org/privkey.pem', key],
    ['https://gatehouse.example.org', publicUrl],
    ['gatehouse.example.org', 'localhost'],
    ...(options.databaseUrl ? [[/postgres:\/\/\S+/, options.databaseUrl] as const] : []),
    ['/opt/gatehouse', options.installDir ?? process.cwd()],
    ['/etc/gatehouse', path.join(dir, 'etc')],
    ['/var/lib/gatehouse', home],
    ['/var/backups/gatehouse', path.join(dir, 'backups')],
    ['/var/log/nginx', dir],
    ['/usr/bin/node', process.execPath],
    // The user is the machine's, made by the first test that needs it.
    ['useradd ', `id -u ${SERVICE_USER} >/dev/null 2>&1 || useradd `],
    // Loopback only, whatever the guide's nginx listens on.
    [/listen (80|443)\b/g, (match) => `listen 127.0.0.1:${port(Number(match.slice('listen '.length)))}`],
    [/127\.0\.0\.1:300[0-3]\b/g, (match) => `127.0.0.1:${port(Number(match.slice('127.0.0.1:'.length)))}`],
    // The upgrade's rolling restart names the ports in a loop variable.
    [/for port in [\d ]+;/, (match) => match.replace(/\d+/g, (guidePort) => String(port(Number(guidePort))))],
  ];
  const systemd = await startSystemd({
    unit: () => substitute(guideBlock('unit'), substitutions),
    ports: [...ports.entries()],
  });
  const run = (blocks: readonly GuideBlock[], typed = '', cwd?: string) =>
    runShell(substitute([...blocks.map((name) => guideBlock(name)), typed].join('\n'), substitutions), {
      env: shellEnvironment(options.env),
      systemctlUrl: systemd.url,
      cwd,
    });
  const shell = (...blocks: readonly GuideBlock[]) => run(['cli', ...blocks]);
  // Section 1: the service user and its folders, before anything else.
  await run(['service-user']);

  return {
    dir,
    dataDir,
    owner: { uid: idOf('-u', SERVICE_USER), gid: idOf('-g', SERVICE_USER) },
    publicUrl,
    certificate: readFileSync(cert, 'utf8'),
    substitutions,
    port,
    shell,
    shellIn: (cwd, ...blocks) => run(['cli', ...blocks], '', cwd),
    command: (text) => run(['cli'], text),
    running: systemd.running,
    async createFirstPractice() {
      const printed = await shell('first-practice');
      const block = guideBlock('first-practice');
      const temporaryPassword = /temporary password: (\S+)/.exec(printed)?.[1];
      if (!temporaryPassword) throw new Error(`no temporary password in:\n${printed}`);
      return {
        practiceCode: /--code (\S+)/.exec(block)?.[1] ?? '',
        username: /--admin-username (\S+)/.exec(block)?.[1] ?? '',
        temporaryPassword,
      };
    },
    async close() {
      await systemd.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The machine's systemd, as far as the guide uses it: `systemctl daemon-reload`, `enable --now`,
 * `start`, `stop` (a unit or `gatehouse@*`), `restart`, and `reload nginx` (the test runs nginx
 * itself). An instance `gatehouse@PORT` (the guide's port, or the one it became) runs the unit's
 * ExecStart as systemd would (unitCommand); `start` answers once it is ready, or refuses with its
 * output when it is not within a minute.
 */
async function startSystemd(options: {
  readonly unit: () => string;
  readonly ports: ReadonlyArray<readonly [guidePort: number, port: number]>;
}) {
  const units = new Map<number, ServerProcess>();
  const portOf = (name: string) => {
    const instance = Number(/^gatehouse@(\d+)(?:\.service)?$/.exec(name)?.[1]);
    const found = options.ports.find(([guidePort, port]) => instance === guidePort || instance === port);
    if (!found) throw new Error(`no such unit: ${name}`);
    return found[1];
  };
  const matching = (pattern: string) =>
    pattern === 'gatehouse@*' ? [...units.keys()] : [portOf(pattern)].filter((port) => units.has(port));
  const start = async (port: number) => {
    if (units.has(port)) return;
    const { command, args, cwd, env, user, group, umask } = unitCommand(options.unit(), String(port));
    // As systemd: User=, Group=, then UMask= before ExecStart (sh sets it, then becomes the command).
    const server = await spawnServer(
      '/bin/sh',
      ['-c', `umask ${umask} && exec "$0" "$@"`, command, ...args],
      {
        port,
        env,
        cwd,
        uid: idOf('-u', user),
        gid: idOf('-g', group),
        // Several node processes starting at once on a busy machine: give them time.
        readyTimeoutMs: 60_000,
      },
    );
    units.set(port, server);
  };
  const stop = async (port: number) => {
    await units.get(port)?.kill();
    units.delete(port);
  };
  const systemctl = async (words: readonly string[]) => {
    const [verb, ...rest] = words;
    const names = rest.filter((word) => word !== '--now');
    if (verb === 'daemon-reload' || (verb === 'reload' && names.join(' ') === 'nginx')) return;
    if (verb === 'stop') await Promise.all(names.flatMap(matching).map(stop));
    else if (verb === 'restart') {
      for (const name of names) {
        await stop(portOf(name));
        await start(portOf(name));
      }
    } else if (verb === 'start' || (verb === 'enable' && rest.includes('--now'))) {
      // Together, as `systemctl enable --now a b c` starts them.
      const results = await Promise.allSettled(names.map((name) => start(portOf(name))));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } else throw new Error(`the test's systemd does not know "systemctl ${words.join(' ')}"`);
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      systemctl(body.trim().split(/\s+/)).then(
        () => response.end(),
        (error: Error) => {
          response.statusCode = 500;
          response.end(`${error.message}\n`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
    // In the order of the guide's ports.
    running: () => options.ports.flatMap(([, port]) => units.get(port) ?? []),
    async close() {
      await Promise.all([...units.keys()].map(stop));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
