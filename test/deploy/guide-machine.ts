import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, spawnServer, type ServerProcess } from '../support/server-process.js';
import {
  guideBlock,
  runShell,
  shellEnvironment,
  substitute,
  unitCommand,
  type GuideBlock,
  type Substitutions,
} from './guide.js';

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
  /** Runs what an operator types into root's shell (`gatehouse …`) after the command-line helper. */
  command(text: string): Promise<string>;
  /** Starts the unit for every instance the shell asked systemctl to `enable --now` or `start` since the last call, as systemd would. */
  startUnits(): Promise<ServerProcess[]>;
  /** The guide's `gatehouse practice create` and the administrator it printed. */
  createFirstPractice(): Promise<FirstAdmin>;
}

export interface FirstAdmin {
  readonly practiceCode: string;
  readonly username: string;
  readonly temporaryPassword: string;
}

const GUIDE_PORTS = [80, 443, 3000, 3001, 3002, 3003] as const;
/** The service user the guide creates and runs everything as. */
const SERVICE_USER = 'gatehouse';

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}

export async function guideMachine(options: { readonly databaseUrl?: string } = {}): Promise<GuideMachine> {
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
    ['/etc/letsencrypt/live/gatehouse.example.org/fullchain.pem', cert],
    ['/etc/letsencrypt/live/gatehouse.example.org/privkey.pem', key],
    ['https://gatehouse.example.org', publicUrl],
    ['gatehouse.example.org', 'localhost'],
    ...(options.databaseUrl ? [[/postgres:\/\/\S+/, options.databaseUrl] as const] : []),
    ['/opt/gatehouse', process.cwd()],
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
  ];
  const systemctlLog = path.join(dir, 'systemctl.log');
  const run = (blocks: readonly GuideBlock[], typed = '') =>
    runShell(substitute([...blocks.map((name) => guideBlock(name)), typed].join('\n'), substitutions), {
      env: shellEnvironment(),
      systemctlLog,
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
    command: (text) => run(['cli'], text),
    async startUnits() {
      const log = existsSync(systemctlLog) ? readFileSync(systemctlLog, 'utf8') : '';
      // Each request once: the next call starts only what the shell asked for since.
      writeFileSync(systemctlLog, '');
      const names = [...log.matchAll(/^(?:enable --now|start) (.+)$/gm)].flatMap(
        (match) => match[1]?.split(' ') ?? [],
      );
      const unit = substitute(guideBlock('unit'), substitutions);
      // Together, as `systemctl enable --now a b c` starts them.
      const results = await Promise.allSettled(
        names.map((name) => {
          const instancePort = port(Number(/^gatehouse@(\d+)$/.exec(name)?.[1]));
          const { command, args, cwd, env, user, group, umask } = unitCommand(unit, String(instancePort));
          // As systemd: User=, Group=, then UMask= before ExecStart (sh sets it, then becomes the command).
          return spawnServer('/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, command, ...args], {
            port: instancePort,
            env,
            cwd,
            uid: idOf('-u', user),
            gid: idOf('-g', group),
            // Several node processes starting at once on a busy machine: give them time.
            readyTimeoutMs: 60_000,
          });
        }),
      );
      const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) {
        // Leave no instance running behind a failed start.
        await Promise.all(started.map((instance) => instance.kill()));
        throw failed.reason;
      }
      return started;
    },
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
  };
}
