import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The project carries its own design (docs/architecture.md, docs/requirements.md): comments and
 * documents point into the repository, never to files or tickets a clean clone does not have
 * (a design or checklist file beside the repository, an issue number).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['src', 'test', 'scripts', 'bench', 'web', 'docs', 'README.md'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'results', 'artifacts', 'images']);
const TEXT_FILE = /\.(ts|tsx|cts|js|mjs|cjs|css|html|md)$/;
/** This file names the citations it looks for. */
const THIS_FILE = 'test/docs/in-repository-citations.test.ts';
/** bench/README.md keeps its runs' history, each labelled with the work it measured. */
const HISTORY = 'bench/README.md';

/** A citation of something outside the repository. */
const OUTSIDE_CITATION =
  /\bDESIGN\b|SECURITY-CHECKLIST|STYLE\.md|\b[Ii]ssue \d+|\.\.\/shared\/|\/work\/shared/;

function textFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (TEXT_FILE.test(entry) && !readdirSafe(full)) return [entry];
  return (readdirSafe(full) ?? []).flatMap((child) =>
    SKIPPED_DIRECTORIES.has(child.name) ? [] : textFiles(path.join(entry, child.name)),
  );
}

function readdirSafe(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

function outsideCitations(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (OUTSIDE_CITATION.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('citations', () => {
  it('recognises a citation of a file or ticket outside the repository', () => {
    const lines = [
      '// as DESIGN.md says',
      ' * (SECURITY-CHECKLIST T4)',
      '/* see issue 5 */',
      'described in `../shared/DESIGN.md`',
      '// docs/requirements.md T4, docs/architecture.md "Session lookup"',
      '// the design of the issue at hand',
    ].join('\n');
    expect(outsideCitations('x.ts', lines).map((found) => found.split(':')[1])).toEqual(['1', '2', '3', '4']);
  });

  it('are all into the repository, in code, tests, scripts, benchmarks, the web app and docs', () => {
    const files = SCANNED.flatMap(textFiles).filter((file) => file !== THIS_FILE && file !== HISTORY);
    expect(files.length).toBeGreaterThan(200);
    const found = files.flatMap((file) =>
      outsideCitations(file, readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(found).toEqual([]);
  });
});
