import { spawn } from 'node:child_process';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `gatehouse <argv>` in this process with the given environment, collecting what it prints. */
export async function runCli(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const status = await main(argv, {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    env,
  });
  return { status, out, err };
}

/**
 * Runs `npx gatehouse <argv>` as operators do (bin/gatehouse.js, needs `npm run build`) in a
 * child process, without blocking this one: servers it talks to keep serving meanwhile.
 */
export function runCliProcess(env: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  return runProcess(process.execPath, ['bin/gatehouse.js', ...argv], env);
}

/** Any program (pg_dump, pg_restore, createdb) with extra environment, output collected. */
export function runProcess(command: string, args: readonly string[], env: Record<string, string> = {}) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? 1, out, err }));
  });
}
