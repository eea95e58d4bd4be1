import { CONFUSABLE_PROTOTYPES, SCRIPT_NAMES } from './confusables.js';
import { foldIdentifier } from './identifiers.js';

/**
 * Look-alike text (Unicode TS #39): `аlice` with a Cyrillic а, `adαm` with a Greek α or `alıce`
 * with a dotless ı reads as `alice` or `adam`, so such a user name can pose as another person's,
 * and a password built that way is no less guessable than its look-alike.
 *
 * - `skeleton`: NFD, each character replaced by its confusable prototype, NFD again (TS #39
 *   section 4). Two texts that look alike have the same skeleton.
 * - `identifierSkeleton`: a user name's skeleton, case-folded before and after, since names
 *   match case-insensitively (`B0B` looks like `bob`).
 * - `wordSkeleton`: the same without combining marks, for a password against word lists.
 * - `isMixedScript`: letters of more than one script (TS #39 section 5.1, "single script"):
 *   each character's Script_Extensions without Common and Inherited, intersected; Han with
 *   Hiragana/Katakana, Bopomofo or Hangul counts as one script (Japanese, Chinese, Korean).
 *   Digits and . _ - @ are Common, so `josé.2`, `zoë` and `王小明` are single-script.
 */
export function skeleton(text: string): string {
  let mapped = '';
  for (const char of text.normalize('NFD')) mapped += CONFUSABLE_PROTOTYPES[char] ?? char;
  return mapped.normalize('NFD');
}

export function identifierSkeleton(value: string): string {
  return skeleton(foldIdentifier(value)).toLowerCase();
}

/**
 * A skeleton for matching text against word lists (the password blocklist, context words):
 * case-folded, and without combining marks, so `p̴a̴s̴s̴w̴o̴r̴d̴` and `pässwörd` still read as `password`.
 */
export function wordSkeleton(text: string): string {
  return skeleton(text.normalize('NFKC').toLowerCase()).replace(/\p{M}/gu, '').toLowerCase();
}

/** Scripts whose letters are written together: a character of one of them may join the others. */
const COMBINED_SCRIPTS: Readonly<Record<string, readonly string[]>> = {
  Han: ['Japanese', 'Chinese', 'Korean'],
  Hiragana: ['Japanese'],
  Katakana: ['Japanese'],
  Bopomofo: ['Chinese'],
  Hangul: ['Korean'],
};

// Names this Node.js's Unicode version does not know yet cannot match any character it knows.
const SCRIPT_PATTERNS: readonly (readonly [string, RegExp])[] = SCRIPT_NAMES.flatMap((name) => {
  try {
    return [[name, new RegExp(`\\p{Script_Extensions=${name}}`, 'u')] as const];
  } catch {
    return [];
  }
});

/** The scripts a character belongs to, with the combined ones; empty for Common and Inherited. */
function scriptsOf(char: string): Set<string> {
  const scripts = new Set<string>();
  for (const [name, pattern] of SCRIPT_PATTERNS) {
    if (!pattern.test(char)) continue;
    scripts.add(name);
    for (const combined of COMBINED_SCRIPTS[name] ?? []) scripts.add(combined);
  }
  return scripts;
}

export function isMixedScript(text: string): boolean {
  let common: Set<string> | undefined;
  for (const char of new Set(text.normalize('NFD'))) {
    const scripts = scriptsOf(char);
    if (scripts.size === 0) continue;
    common = common === undefined ? scripts : new Set([...common].filter((name) => scripts.has(name)));
    if (common.size === 0) return true;
  }
  return false;
}
