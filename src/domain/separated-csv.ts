/**
 * The activity export's fast path (200,000 rows/s, bench/README.md "Activity log"). The database joins each event's
 * fields with the ASCII unit separator (0x1F) and a batch's events with the record separator
 * (0x1E), in its own C code, and hands over one string of bytes per batch; this function turns
 * those bytes into exactly the CSV that csvRow (csv-cell.ts) writes for the same rows, in one
 * pass, without making a JavaScript value per field; the cells derived from the fields (the
 * browser, the readable closing cells) come from the caller, which caches them.
 *
 * It only takes the batches it can convert exactly. A batch that holds any control character
 * (a value csvCell would have to change to U+FFFD, or one that contains a separator itself),
 * a time that is not whole milliseconds before the year 10000, or that does not have `rows` events of
 * EXPORTED_EVENT_COLUMNS fields each, gives undefined: the caller formats that batch with csvRow.
 */
import { FORMULA_FIRST_CHARACTERS } from './csv-cell.js';
import { EXPORTED_EVENT_COLUMNS } from './event-columns.js';

export const UNIT_SEPARATOR = '\x1f';
export const RECORD_SEPARATOR = '\x1e';

/** The cells written beside the stored fields, each quoted, as UTF-8 (the caller caches them). */
export interface DerivedCells {
  /** A user agent's browser ("Chrome 142 on Windows 10"), the cell before the user agent. */
  readonly browser: (userAgent: string) => Uint8Array;
  /** The row's closing cells (READABLE_EVENT_COLUMNS), each after its comma: from the time, type and details. */
  readonly readable: (at: number, type: string, details: string) => Uint8Array;
}

const FIELD_COUNT = EXPORTED_EVENT_COLUMNS.length;
const AT_FIELD = EXPORTED_EVENT_COLUMNS.indexOf('at');
const USER_AGENT_FIELD = EXPORTED_EVENT_COLUMNS.indexOf('user_agent');
const TYPE_FIELD = EXPORTED_EVENT_COLUMNS.indexOf('type');
const LAST_FIELD = FIELD_COUNT - 1;

const QUOTE = 0x22;
const COMMA = 0x2c;
const UNIT = 0x1f;
const RECORD = 0x1e;
const DEL = 0x7f;
const APOSTROPHE = 0x27;
const COLON = 0x3a;
const DOT = 0x2e;
const LETTER_Z = 0x5a;
const DAY_MS = 86_400_000;
const ZERO = 0x30;
const NINE = 0x39;
/** Year 10000: toISOString then writes "+010000-…", which csvCell marks as a formula; left to csvRow. */
const YEAR_10000_MS = 253_402_300_800_000;
/** Room one row may need beyond twice its bytes: quotes, comma and formula mark per field, CR LF, the time. */
const ROW_GROWTH = FIELD_COUNT * 4 + 2 + '2026-11-28T09:05:07.042Z'.length;
/** A first guess at a row's derived cells' length (browser, readable cells); longer ones make the buffer grow. */
const DERIVED_GUESS = 160;
/** csvCell's formula guard by first byte (its tab and CR are control characters, refused anyway). */
const FORMULA_FIRST_BYTE = new Uint8Array(256);
for (const character of FORMULA_FIRST_CHARACTERS) FORMULA_FIRST_BYTE[character.charCodeAt(0)] = 1;

export function csvFromSeparated(
  separated: Uint8Array,
  rows: number,
  cells: DerivedCells,
): Buffer | undefined {
  const n = separated.length;
  if (rows === 0) return n === 0 ? Buffer.alloc(0) : undefined;
  // Every byte a quote at worst (doubled), plus each row's growth; derived cells are checked as written.
  let out = Buffer.allocUnsafe(2 * n + rows * (ROW_GROWTH + DERIVED_GUESS));
  let o = 0;
  let field = 0;
  let row = 0;
  let i = 0;
  let datePrefixDay = Number.NaN;
  let datePrefix = Buffer.alloc(0);
  let rowMs = 0;
  let typeStart = 0;
  let typeEnd = 0;
  let fieldStart = 0;
  // One turn per cell: open it (the field's special cases), copy its bytes, then its separator.
  // One function without closures: V8 keeps these counters in registers.
  for (;;) {
    if (field === AT_FIELD) {
      let ms = 0;
      const start = i;
      for (; i < n; i++) {
        const c = separated[i] as number;
        if (c < ZERO || c > NINE) break;
        ms = ms * 10 + (c - ZERO);
      }
      if (i === start || ms >= YEAR_10000_MS || separated[i] !== UNIT) return undefined;
      rowMs = ms;
      out[o++] = QUOTE;
      // new Date(ms).toISOString(), written digit by digit: the call itself cost more than the rest of a row.
      const day = Math.floor(ms / DAY_MS);
      if (day !== datePrefixDay) {
        const iso = new Date(day * DAY_MS).toISOString();
        datePrefix = Buffer.from(iso.slice(0, iso.indexOf('T') + 1), 'latin1');
        datePrefixDay = day;
      }
      out.set(datePrefix, o);
      o += datePrefix.length;
      let rest = ms - day * DAY_MS;
      const milliseconds = rest % 1000;
      rest = (rest - milliseconds) / 1000;
      const seconds = rest % 60;
      rest = (rest - seconds) / 60;
      const minutes = rest % 60;
      const hours = (rest - minutes) / 60;
      out[o++] = ZERO + ((hours / 10) | 0);
      out[o++] = ZERO + (hours % 10);
      out[o++] = COLON;
      out[o++] = ZERO + ((minutes / 10) | 0);
      out[o++] = ZERO + (minutes % 10);
      out[o++] = COLON;
      out[o++] = ZERO + ((seconds / 10) | 0);
      out[o++] = ZERO + (seconds % 10);
      out[o++] = DOT;
      out[o++] = ZERO + ((milliseconds / 100) | 0);
      out[o++] = ZERO + (((milliseconds / 10) | 0) % 10);
      out[o++] = ZERO + (milliseconds % 10);
      out[o++] = LETTER_Z;
    } else {
      if (field === USER_AGENT_FIELD) {
        let end = i;
        while (end < n && separated[end] !== UNIT && separated[end] !== RECORD) end++;
        const cell = cells.browser(text(separated, i, end));
        out = room(out, o, cell.length + 2 * (n - i) + (rows - row) * ROW_GROWTH, rows);
        out.set(cell, o);
        o += cell.length;
        out[o++] = COMMA;
      }
      fieldStart = i;
      out[o++] = QUOTE;
      if (i < n && FORMULA_FIRST_BYTE[separated[i] as number] === 1) out[o++] = APOSTROPHE;
      for (; i < n; i++) {
        const c = separated[i] as number;
        if (c > QUOTE && c !== DEL) out[o++] = c;
        else if (c === QUOTE) {
          out[o++] = QUOTE;
          out[o++] = QUOTE;
        } else if (c === 0x20 || c === 0x21) out[o++] = c;
        else if (c === UNIT || c === RECORD) break;
        // Any other control character, or DEL: csvCell would replace it.
        else return undefined;
      }
    }
    out[o++] = QUOTE;
    if (field === TYPE_FIELD) {
      typeStart = fieldStart;
      typeEnd = i;
    }
    if (i < n && separated[i] === UNIT) {
      if (++field === FIELD_COUNT) return undefined;
      out[o++] = COMMA;
      i++;
      continue;
    }
    // The row's end (a record separator, or the batch's end).
    if (field !== LAST_FIELD) return undefined;
    const readable = cells.readable(
      rowMs,
      text(separated, typeStart, typeEnd),
      text(separated, fieldStart, i),
    );
    out = room(out, o, readable.length + 2 + 2 * (n - i) + (rows - row) * ROW_GROWTH, rows);
    out.set(readable, o);
    o += readable.length;
    out[o++] = 0x0d;
    out[o++] = 0x0a;
    if (i === n) break;
    if (++row === rows) return undefined;
    field = 0;
    i++;
  }
  return row === rows - 1 ? out.subarray(0, o) : undefined;
}

function text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString();
}

/** The buffer with room for `more` bytes after `used`, grown (with room for more derived cells) if short. */
function room(out: Buffer<ArrayBuffer>, used: number, more: number, rows: number): Buffer<ArrayBuffer> {
  const needed = used + more;
  return needed > out.length ? Buffer.concat([out.subarray(0, used)], needed + rows * DERIVED_GUESS) : out;
}
