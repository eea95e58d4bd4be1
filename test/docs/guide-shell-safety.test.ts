import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What the deploy test (test/deploy) cannot see by running the operator's guides: how a file
 * was born and what `ps` showed meanwhile. Every shell block of the guides is read line by line:
 *   - a secret (the database password, a fresh key, the keys being swapped) appears only in an
 *     assignment, in bash's own `printf`/`echo` (builtins: no process, no command line), or in a
 *     here-document — never as an argument of psql, the CLI or any other program;
 *   - a file created by `>` or `cat >>`/`echo >>` under /etc/gatehouse or the backup folder is
 *     made under `umask 0077` or created empty by `install -m 0600` first, so it is never
 *     readable by others, not even between writing and a `chmod`.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const GUIDES = ['docs/deploy.md', 'docs/keys-and-backup.md', 'docs/operations.md'];

/** A value that is a secret wherever it is expanded. */
const SECRET = /\$\{?(DB_PASSWORD|current|next)\b|\$\(openssl rand/;
/** Commands that are bash builtins (or assignments): their arguments never reach a command line. */
const BUILTIN_OR_ASSIGNMENT = /^\s*\(?\s*(printf|echo)\b|^\s*[A-Za-z_][A-Za-z0-9_]*=\$\(/;
/** A redirection that creates or appends to a file in the folders holding secrets. */
const PROTECTED_WRITE =
  /(?<![0-9&])>>?\s*"?((?:\/etc\/gatehouse|\/var\/backups\/gatehouse)[^\s")]*|[\w.-]+\.env(?:\.new)?)\b/;

interface ShellLine {
  readonly guide: string;
  readonly block: number;
  readonly text: string;
  /** Inside a here-document: data on a standard input, not a command. */
  readonly hereDocument: boolean;
}

/** The shell lines of a guide's ```sh blocks, each with its block's number. */
function shellLines(guide: string, markdown: string): ShellLine[] {
  const lines: ShellLine[] = [];
  let block = 0;
  for (const match of markdown.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)) {
    block += 1;
    let endOfHereDocument: string | undefined;
    for (const text of (match[1] ?? '').split('\n')) {
      if (endOfHereDocument !== undefined) {
        if (text.trim() === endOfHereDocument) endOfHereDocument = undefined;
        else lines.push({ guide, block, text, hereDocument: true });
        continue;
      }
      lines.push({ guide, block, text, hereDocument: false });
      endOfHereDocument = /<<-?\s*'?(\w+)'?/.exec(text)?.[1];
    }
  }
  return lines;
}

/** Lines that put a secret on a program's command line. */
function secretsOnCommandLines(lines: readonly ShellLine[]): string[] {
  return lines
    .filter((line) => !line.hereDocument && SECRET.test(line.text) && !BUILTIN_OR_ASSIGNMENT.test(line.text))
    .map((line) => `${line.guide}: ${line.text.trim()}`);
}

/** Lines that write a protected file without umask 0077 or an empty 0600 file made before it. */
function filesBornReadable(lines: readonly ShellLine[]): string[] {
  const problems: string[] = [];
  const madePrivate = new Set<string>();
  let umaskBlock: string | undefined;
  for (const line of lines) {
    const where = `${line.guide}#${line.block}`;
    if (/\bumask 0?077\b/.test(line.text)) umaskBlock = where;
    const installed = /\binstall -m 0?600 \/dev\/null (\S+)/.exec(line.text)?.[1];
    if (installed) madePrivate.add(installed);
    const target = line.hereDocument ? undefined : PROTECTED_WRITE.exec(line.text)?.[1];
    if (target && umaskBlock !== where && !madePrivate.has(target))
      problems.push(`${line.guide}: ${line.text.trim()}`);
  }
  return problems;
}

const guideLines = GUIDES.flatMap((guide) => shellLines(guide, readFileSync(path.join(ROOT, guide), 'utf8')));

describe("the operator's guides, read as a shell would", () => {
  it('have shell blocks to read', () => {
    expect(guideLines.filter((line) => SECRET.test(line.text)).length).toBeGreaterThan(3);
    expect(guideLines.filter((line) => PROTECTED_WRITE.test(line.text)).length).toBeGreaterThan(3);
  });

  it('put no secret on a command line', () => {
    expect(secretsOnCommandLines(guideLines)).toEqual([]);
  });

  it('create no file with secrets readable by others, even for a moment', () => {
    expect(filesBornReadable(guideLines)).toEqual([]);
  });

  it('would catch the defects the guides once had', () => {
    const old = shellLines(
      'old',
      [
        '```sh',
        'runuser -u postgres -- psql -c "create role gatehouse login password \'$DB_PASSWORD\'"',
        'gatehouse keys rotate --previous "$current"',
        'cat > /etc/gatehouse/gatehouse.env <<EOF',
        'GATEHOUSE_SECRET_KEY=$(openssl rand -base64 32)',
        'EOF',
        'chmod 0600 /etc/gatehouse/gatehouse.env',
        'sqlite3 /var/lib/gatehouse/data/gatehouse.sqlite ".backup /var/backups/gatehouse/x.sqlite" > /var/backups/gatehouse/log',
        '```',
      ].join('\n'),
    );
    expect(secretsOnCommandLines(old)).toHaveLength(2);
    expect(filesBornReadable(old)).toHaveLength(2);
  });
});
