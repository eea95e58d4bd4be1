import { appCreateCommand } from './app-create.js';
import { auditCheckpointCommand } from './audit-checkpoint.js';
import { auditExportCommand } from './audit-export.js';
import { auditVerifyCommand } from './audit-verify.js';
import { backupCommand } from './backup.js';
import type { Command, CommandIo } from './command.js';
import { configCommand } from './config.js';
import { parseCommandArgs } from './command.js';
import { keysRotateCommand } from './keys-rotate.js';
import { keysRotateSigningCommand } from './keys-rotate-signing.js';
import { migrateCommand } from './migrate.js';
import { practiceCreateCommand } from './practice-create.js';
import { restoreCommand } from './restore.js';
import { userResetPasswordCommand } from './user-reset-password.js';
import { userRestoreAccessCommand } from './user-restore-access.js';

/** `gatehouse <command> [options]`: every command answers --help. */
const COMMANDS: readonly Command[] = [
  migrateCommand,
  practiceCreateCommand,
  userResetPasswordCommand,
  userRestoreAccessCommand,
  appCreateCommand,
  auditVerifyCommand,
  auditCheckpointCommand,
  auditExportCommand,
  keysRotateCommand,
  keysRotateSigningCommand,
  backupCommand,
  restoreCommand,
  configCommand,
];

const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const command = COMMANDS.find((candidate) => candidate.path.every((word, i) => argv[i] === word));
  if (!command) {
    const asked = argv.filter((arg) => !arg.startsWith('-'));
    const group = COMMANDS.filter((candidate) => asked.length > 0 && candidate.path[0] === asked[0]);
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h');
    if (!wantsHelp && group.length === 0) io.err(`Unknown command "${argv.join(' ')}".\n\n`);
    io.out(overview(group.length > 0 ? group : COMMANDS));
    return wantsHelp ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(command, argv.slice(command.path.length));
  } catch (error) {
    io.err(`${(error as Error).message}\n\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`Usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.values, io);
  } catch (error) {
    io.err(`gatehouse ${command.path.join(' ')} failed: ${(error as Error).message}\n`);
    return 1;
  }
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  const rows = commands.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`);
  return `Usage: gatehouse <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun "gatehouse <command> --help" for a command's options.\n`;
}
