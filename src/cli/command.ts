import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One CLI command: its usage text, its options, and what it does with them. */
export interface Command {
  /** Words that select it, e.g. ['practice', 'create']. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Names of the words it takes after its options, in order (e.g. ['file']), passed to run as values. */
  readonly positionals?: readonly string[];
  run(values: Record<string, string | boolean | undefined>, io: CommandIo): Promise<number>;
}

/** Output streams passed in, so tests can read what a command printed. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export function parseCommandArgs(command: Command, args: readonly string[]) {
  const names = command.positionals ?? [];
  const parsed = parseArgs({
    args: [...args],
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: names.length > 0,
  });
  if (parsed.positionals.length > names.length)
    throw new Error(`Unexpected argument "${parsed.positionals[names.length]}".`);
  const values: Record<string, string | boolean | undefined> = { ...parsed.values };
  names.forEach((name, i) => (values[name] = parsed.positionals[i]));
  return { values };
}
