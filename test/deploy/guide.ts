import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The code blocks of the operator's guides that the deploy test runs. A block is marked by the
 * comment `<!-- deploy-test: NAME -->` on the line before its fence; the test changes only what
 * cannot be the same on a test machine (ports, paths, the host name), through `Substitutions`.
 */
export const GUIDE_FILES = ['docs/deploy.md', 'docs/keys-and-backup.md', 'docs/operations.md'].map((file) =>
  path.resolve(file),
);

export const GUIDE_BLOCKS = [
  'service-user',
  'unit',
  'cli',
  'sqlite-env',
  'sqlite-start',
  'readyz',
  'postgres-env',
  'postgres-migrate',
  'postgres-start',
  'nginx',
  'first-practice',
  'smtp',
  'mail-from',
  'backup-folder',
  'sqlite-backup',
  'sqlite-restore',
  'metrics-token',
  'prometheus',
  'install',
  'postgres-database',
  'upgrade',
  'rotate-add-key',
  'rotate-swap-keys',
  'keys-rotate',
  'rotate-checkpoint',
  'rotate-drop-previous',
  'sqlite-rotate',
  'postgres-backup',
  'rollback-code',
  'postgres-restore',
  'mail-queue',
  'forward-auth-map',
  'forward-auth-ehr',
] as const;
export type GuideBlock = (typeof GUIDE_BLOCKS)[number];

/** The block marked NAME, from whichever guide has it (each name is marked once in all of them). */
export function guideBlock(name: GuideBlock): string {
  const marker = `<!-- deploy-test: ${name} -->`;
  const found = GUIDE_FILES.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(marker);
    return at < 0 ? [] : [{ file, text: text.slice(at + marker.length) }];
  });
  if (found.length !== 1 || !found[0])
    throw new Error(`"${marker}" is in ${found.length} of the guides (${GUIDE_FILES.join(', ')}), not 1`);
  // A fence may be indented, inside a list item: its lines lose that indentation.
  const fence = /^( *)```[a-z]*\n([\s\S]*?)^\1```$/m.exec(found[0].text);
  if (fence?.[2] === undefined) throw new Error(`no code block follows "${marker}" in ${found[0].file}`);
  const indent = fence[1] ?? '';
  return fence[2]
    .split('\n')
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
    .join('\n');
}

/**
 * Replacements, applied in order (longer, more specific texts first): a string everywhere it
 * occurs; a RegExp as String.replace does (all matches with the g flag); `to` is the new text or
 * makes it from the matched text.
 */
export type Substitutions = ReadonlyArray<
  readonly [from: string | RegExp, to: string | ((match: string) => string)]
>;

export function substitute(text: string, substitutions: Substitutions): string {
  return substitutions.reduce((result, [from, to]) => {
    const replacement = typeof to === 'string' ? () => to : to;
    return typeof from === 'string'
      ? result.split(from).join(replacement(from))
      : result.replace(from, (match: string) => replacement(match));
  }, text);
}

/**
 * Runs shell text from the guide with bash, as a reader pasting it into root's shell would, and
 * returns what it printed. `systemctl` is a function that hands its arguments to the test's own
 * systemd at `systemctlUrl` (guide-machine.ts), which starts and stops the units and answers once
 * done; a refusal there fails the command, as systemctl does.
 */
export async function runShell(
  script: string,
  options: { env: NodeJS.ProcessEnv; systemctlUrl: string; cwd?: string },
): Promise<string> {
  const prelude =
    'set -euo pipefail\n' +
    `systemctl() { curl -sS --fail-with-body --data-binary "$*" '${options.systemctlUrl}'; }\n`;
  const child = spawn('bash', ['-c', prelude + script], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0)
    throw new Error(`the guide's shell block failed (${status}):\n${script}\n${stdout}${stderr}`);
  return stdout;
}

/** This process's environment without what vitest adds (NODE_ENV=test would make `npm start` build for development). */
export function shellEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('VITEST') && !['NODE_ENV', 'TEST', 'GATEHOUSE_TEST_DB'].includes(key),
    ),
  );
  return { ...env, ...extra };
}

/**
 * KEY=value lines of an EnvironmentFile (comments and blank lines skipped), as systemd reads them:
 * a value wholly in double quotes loses them and its backslash escapes, one in single quotes
 * loses them.
 */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=value: "${trimmed}"`);
    env[trimmed.slice(0, eq)] = unquote(trimmed.slice(eq + 1));
  }
  return env;
}

function unquote(value: string): string {
  const double = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
  if (double?.[1] !== undefined) return double[1].replace(/\\(.)/g, '$1');
  const single = /^'([^']*)'$/.exec(value);
  return single?.[1] ?? value;
}

export interface UnitCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** User= and Group= (names), and UMask= (octal text). */
  readonly user: string;
  readonly group: string;
  readonly umask: string;
}

/**
 * What systemd would run for instance `instance` of the template unit: ExecStart in
 * WorkingDirectory with EnvironmentFile= then Environment= (later wins, as in systemd), on top of
 * a bare PATH like systemd's own environment, so the guide cannot lean on the test's environment;
 * as User= and Group= under UMask=.
 */
export function unitCommand(unitText: string, instance: string): UnitCommand {
  const settings = unitText
    .replaceAll('%i', instance)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  const one = (key: string) => {
    const found = settings.filter(([name]) => name === key);
    if (found.length !== 1 || !found[0]) throw new Error(`the unit needs exactly one ${key}=`);
    return found[0][1];
  };
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const [key, value] of settings) {
    if (key === 'EnvironmentFile') Object.assign(env, parseEnvironmentFile(readFileSync(value, 'utf8')));
  }
  for (const [key, value] of settings) {
    if (key === 'Environment') Object.assign(env, parseEnvironmentFile(value));
  }
  const [command, ...args] = one('ExecStart').split(/\s+/);
  if (!command) throw new Error('ExecStart= is empty');
  return {
    command,
    args,
    cwd: one('WorkingDirectory'),
    env,
    user: one('User'),
    group: one('Group'),
    umask: one('UMask'),
  };
}
