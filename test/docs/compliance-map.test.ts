import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/compliance.md stays true to the code and to the requirements (docs/requirements.md):
 * every test it names exists with that exact title, every requirement is listed once and in
 * order, and its statuses agree with its summary of what is not met. Its format is described at
 * the top of the file itself.
 *
 * Test titles are read from the source as text, not by running anything: the title is the first
 * string argument of `it(`/`test(` (with `.skip`/`.only`/… and `.each(…)` forms), whatever
 * `describe` blocks surround it. A template-literal title matches with each `${…}` standing for
 * any text; an `.each` title also with each printf placeholder (`%s`, `%d`, `%i`, `%f`, `%j`,
 * `%o`, `%#`) and `$name` standing for any text. The rest must match exactly.
 *
 * Each section heading of the map states its id range, and the section must list exactly the ids
 * of the requirements section of that letter in docs/requirements.md, in order.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAP_FILE = 'docs/compliance.md';
const REQUIREMENTS_FILE = 'docs/requirements.md';
/** The map without its fenced examples, which show the format rather than make claims. */
const map = readFileSync(ROOT + MAP_FILE, 'utf8').replace(/^ *```[\s\S]*?^ *```$/gm, '');

/** The HIPAA Security Rule safeguards the map must cover. */
const HIPAA_IN_SCOPE = [
  '164.312(a)(1)',
  '164.312(a)(2)(i)',
  '164.312(a)(2)(iii)',
  '164.312(b)',
  '164.312(c)(1)',
  '164.312(d)',
  '164.308(a)(5)(ii)(C)',
  '164.308(a)(5)(ii)(D)',
];
const STATUSES = ['met', 'partly met', 'not met'] as const;
const SUMMARY_HEADING = '## Not met, or only partly met';

interface Requirement {
  readonly id: string;
  readonly body: string;
}

interface TestReference {
  readonly file: string;
  readonly title: string;
}

/** Every `### <id> — <title>` block, with its text up to the next heading of level 2 or 3. */
function requirements(markdown: string): Requirement[] {
  const found: Requirement[] = [];
  const heading = /^### (\S+) — .+$/gm;
  for (let match = heading.exec(markdown); match; match = heading.exec(markdown)) {
    const rest = markdown.slice(match.index + match[0].length);
    const end = rest.search(/^#{2,3} /m);
    found.push({ id: match[1] ?? '', body: end === -1 ? rest : rest.slice(0, end) });
  }
  return found;
}

function testReferences(text: string): TestReference[] {
  return [...text.matchAll(/`([^`\s]+)` › `([^`]+)`/g)].map((match) => ({
    file: match[1] ?? '',
    title: match[2] ?? '',
  }));
}

/** Whole-title patterns for every `it(`/`test(` title in a test file's source. */
function testTitlePatterns(source: string): RegExp[] {
  const call =
    /\b(?:it|test)(?:\.(?:skip|only|concurrent|sequential|fails|todo))*(\.each\b[\s\S]*?\))?\(\s*(['"`])((?:\\[\s\S]|(?!\2)[^\\])*)\2/g;
  return [...source.matchAll(call)].map((match) => {
    const [, each, quote, raw = ''] = match;
    const wildcards = [
      ...(quote === '`' ? ['\\$\\{[^}]*\\}'] : []),
      ...(each ? ['%[sdifjo#]', '\\$\\w+'] : []),
    ];
    const text = quote === '`' ? raw : raw.replace(/\\([\s\S])/g, '$1');
    const parts = wildcards.length ? text.split(new RegExp(wildcards.join('|'))) : [text];
    return new RegExp(`^${parts.map(escapeRegExp).join('.+?')}$`);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const listed = requirements(map);

/** docs/requirements.md's ids (`- P1. …` lines) by section letter, in order. */
function requiredIds(markdown: string): Map<string, string[]> {
  const bySection = new Map<string, string[]>();
  for (const [, id = '', letter = ''] of markdown.matchAll(/^- (([A-Z])\d+)\. /gm))
    bySection.set(letter, [...(bySection.get(letter) ?? []), id]);
  return bySection;
}

const required = requiredIds(readFileSync(ROOT + REQUIREMENTS_FILE, 'utf8'));

describe('docs/compliance.md', () => {
  it('names only tests that exist, by file and exact title', () => {
    const references = testReferences(map);
    expect(references.length).toBeGreaterThan(100);
    const patterns = new Map<string, RegExp[]>();
    const missing: string[] = [];
    for (const { file, title } of references) {
      if (!patterns.has(file)) {
        if (!existsSync(ROOT + file)) {
          missing.push(`${file} (no such file)`);
          continue;
        }
        patterns.set(file, testTitlePatterns(readFileSync(ROOT + file, 'utf8')));
      }
      if (!(patterns.get(file) ?? []).some((pattern) => pattern.test(title)))
        missing.push(`${file} › ${title}`);
    }
    expect(missing).toEqual([]);
  });

  it('covers each HIPAA safeguard in scope and lists every checklist id once, in order, per section', () => {
    const ids = listed.map((requirement) => requirement.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of HIPAA_IN_SCOPE) expect(ids).toContain(id);

    const sections = [...map.matchAll(/^## .+ \(([A-Z])1–([A-Z])(\d+)\)$/gm)];
    expect(sections.map((section) => section[1])).toEqual([...required.keys()]);
    for (const section of sections) {
      const [heading, letter = '', lastLetter, last = '0'] = section;
      expect(lastLetter, heading).toBe(letter);
      const rest = map.slice((section.index ?? 0) + heading.length);
      const end = rest.search(/^## /m);
      const inSection = requirements(end === -1 ? rest : rest.slice(0, end)).map((r) => r.id);
      const expected = Array.from({ length: Number(last) }, (_, i) => `${letter}${i + 1}`);
      expect(inSection, heading).toEqual(expected);
      expect(inSection, heading).toEqual(required.get(letter));
    }
    const requirementIds = ids.filter((id) => /^[A-Z]\d+$/.test(id));
    expect(requirementIds).toEqual([...required.values()].flat());
    expect(requirementIds.length).toBeGreaterThan(50);
  });

  it('gives every requirement a status and a test, and sums up exactly those not fully met', () => {
    const notFullyMet: string[] = [];
    for (const { id, body } of listed) {
      const status = /^Status: (.+)$/m.exec(body)?.[1];
      expect(STATUSES, id).toContain(status);
      if (status !== 'not met') expect(testReferences(body).length, id).toBeGreaterThan(0);
      if (status !== 'met') notFullyMet.push(id);
    }
    const summary = map.slice(map.indexOf(SUMMARY_HEADING));
    expect(summary.startsWith(SUMMARY_HEADING)).toBe(true);
    const summarised = [...summary.matchAll(/^\| ([^|]+?) +\|/gm)]
      .map((row) => row[1] ?? '')
      .filter((cell) => cell !== 'id' && !/^-+$/.test(cell))
      .flatMap((cell) => cell.split(/, */));
    expect(summarised.sort()).toEqual(notFullyMet.sort());
  });
});

describe('testTitlePatterns', () => {
  it('reads plain, multi-line, template and each titles as the rules above say', () => {
    const source = [
      "it('plain title with “quotes” and \\'escapes\\'', () => {});",
      "test.skip(\n  'on the next line',\n  { timeout: 1 },\n  async () => {},\n);",
      'it(`${row.item}: ${row.type} — done`, async () => {});',
      "it.each([[1, 2]])('adds %i and %i', () => {});",
      "describe('not a test', () => {});",
    ].join('\n');
    const matches = (title: string) => testTitlePatterns(source).some((pattern) => pattern.test(title));
    expect(matches("plain title with “quotes” and 'escapes'")).toBe(true);
    expect(matches('on the next line')).toBe(true);
    expect(matches('lock: account.locked — done')).toBe(true);
    expect(matches('adds 1 and 2')).toBe(true);
    expect(matches('not a test')).toBe(false);
    expect(matches('plain title')).toBe(false);
    expect(matches('lock: account.locked — not done')).toBe(false);
  });
});
