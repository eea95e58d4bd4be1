import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, CONFIG_VARIABLES, type Secrecy } from './config.js';

/**
 * The README's Configuration table is the module's table: one row per variable, in the
 * module's order, with its default, secrecy and meaning. When this fails, paste the
 * expected table (printed in the diff) into README.md.
 */
const SECRECY_TEXT: Record<Secrecy, string> = { no: 'no', yes: 'yes', password: 'its password' };

function expectedTable(): string {
  const header = ['variable', 'default', 'secret', 'meaning'];
  const rows = CONFIG_KEYS.map((key) => {
    const variable = CONFIG_VARIABLES[key];
    return [`\`${variable.name}\``, variable.defaultText, SECRECY_TEXT[variable.secret], variable.meaning];
  });
  // Laid out as prettier formats Markdown tables, so `prettier --check` and this test agree.
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

describe('README Configuration table', () => {
  it('lists exactly the variables of src/config.ts, with their defaults, secrecy and meanings', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## Configuration\n')[1] ?? '';
    // The section's first table; prose may come before it (the pointer to docs/deploy.md).
    const start = section.search(/^\|/m);
    const rest = start < 0 ? '' : section.slice(start);
    const table = rest.slice(0, rest.indexOf('\n\n'));
    expect(table).toBe(expectedTable());
  });
});
