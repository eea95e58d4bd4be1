/**
 * CSV for spreadsheets (SECURITY-CHECKLIST L5, OWASP "CSV Injection"):
 * - every cell is quoted, quotes doubled, so no value can end a cell or a row;
 * - control characters (CR, LF, tab, NUL, …) become U+FFFD, so no value forges a row;
 * - a cell that begins with = + - @ (or tab/CR) gets a leading apostrophe, so a spreadsheet
 *   shows it as text instead of running it as a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /[\u0000-\u001f\u007f"]/;

export function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const marked = FORMULA_START.test(text) ? `'${text}` : text;
  // Most cells (ids, times, names) need nothing done: skip the replacements for them.
  if (!NEEDS_ESCAPING.test(marked)) return `"${marked}"`;
  return `"${marked.replace(CONTROL_CHARACTERS, '\uFFFD').replace(/"/g, '""')}"`;
}

/** One CSV line, CRLF-terminated as RFC 4180 asks. */
export function csvRow(values: readonly (string | number | null)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
