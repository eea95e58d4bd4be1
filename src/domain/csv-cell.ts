/**
 * CSV for spreadsheets (docs/requirements.md L5, OWASP "CSV Injection"):
 * - every cell is quoted, quotes doubled, so no value can end a cell or a row;
 * - control characters (CR, LF, tab, NUL, …) become U+FFFD, so no value forges a row;
 * - a cell that begins with = + - @ (or tab/CR) gets a leading apostrophe, so a spreadsheet
 *   shows it as text instead of running it as a formula.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /[\u0000-\u001f\u007f"]/;

export function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const marked = startsLikeFormula(text) ? `'${text}` : text;
  // Most cells (ids, times, names) need nothing done: skip the replacements for them.
  if (!NEEDS_ESCAPING.test(marked)) return `"${marked}"`;
  return `"${marked.replace(CONTROL_CHARACTERS, '\uFFFD').replace(/"/g, '""')}"`;
}

/** First characters that make a spreadsheet read a cell as a formula (also separated-csv.ts). */
export const FORMULA_FIRST_CHARACTERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

function startsLikeFormula(text: string): boolean {
  return FORMULA_FIRST_CHARACTERS.has(text.charAt(0));
}

/** One CSV line, CRLF-terminated as RFC 4180 asks. A loop, not map/join: exports write millions. */
export function csvRow(values: readonly (string | number | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvCell(values[i] ?? null);
  return `${line}\r\n`;
}
