import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Debian's nginx (`apt-get install -y nginx`); NGINX_PATH overrides where it is. */
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface NginxProcess {
  output(): string;
  stop(): Promise<void>;
}

/**
 * nginx in the foreground as a child of the test, with `site` (the guide's server blocks) inside
 * a minimal main configuration of our own: pid file, logs and temp folders under `dir`, so it
 * needs no root-owned path and never touches a system nginx. Resolves once every port accepts.
 */
export async function startNginx(dir: string, site: string, ports: readonly number[]): Promise<NginxProcess> {
  if (!existsSync(NGINX))
    throw new Error(`no nginx at ${NGINX}: apt-get install -y nginx, or set NGINX_PATH`);
  // Run as root, nginx's workers drop to "nobody", which must reach the temp folders inside dir.
  chmodSync(dir, 0o755);
  const sitePath = path.join(dir, 'gatehouse.conf');
  writeFileSync(sitePath, site);
  const confPath = path.join(dir, 'nginx.conf');
  writeFileSync(
    confPath,
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      'error_log stderr warn;',
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${dir}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${dir}/${kind}_temp;`,
      ),
      `  include ${sitePath};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-p', dir, '-c', confPath, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.on('error', (error) => (output += `${error.message}\n`));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`nginx did not start:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { output: () => output, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
