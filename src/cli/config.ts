import { ConfigError, displayValue, readConfigEntries } from '../config.js';
import type { Command } from './command.js';

/** `gatehouse config`: what the server would run with, here and now, secrets masked. */
export const configCommand: Command = {
  path: ['config'],
  summary: 'Print the effective configuration (secrets masked) and where each value came from',
  usage: `gatehouse config [--json]

Prints every environment variable Gatehouse reads, one line each: its effective value and
whether it came from the environment or is the default. Secrets are never printed:
GATEHOUSE_SECRET_KEY, GATEHOUSE_PREVIOUS_SECRET_KEY and METRICS_TOKEN show only whether they
are set, and the password in DATABASE_URL and SMTP_URL shows as ********. Exit status 1 when a value is wrong, with one
line per wrong variable (as start-up would refuse it). Opens no database and no file.
The variables and their defaults are listed in the README's Configuration table.`,
  options: { json: { type: 'boolean' } },
  async run(values, io) {
    let entries;
    try {
      entries = readConfigEntries(io.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (values.json) io.out(`${JSON.stringify({ valid: false, problems: error.problems })}\n`);
      else io.err(`The configuration is not valid:\n  ${error.problems.join('\n  ')}\n`);
      return 1;
    }
    const rows = entries.map((entry) => ({
      name: entry.variable.name,
      value: displayValue(entry),
      source: entry.source,
      secret: entry.variable.secret !== 'no',
    }));
    if (values.json) {
      io.out(`${JSON.stringify({ valid: true, variables: rows })}\n`);
      return 0;
    }
    const nameWidth = Math.max(...rows.map((row) => row.name.length));
    const valueWidth = Math.max(...rows.map((row) => row.value.length));
    for (const row of rows) {
      io.out(`${row.name.padEnd(nameWidth)}  ${row.value.padEnd(valueWidth)}  (${row.source})\n`);
    }
    return 0;
  },
};
