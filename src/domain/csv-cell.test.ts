import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv-cell.js';

describe('csvCell', () => {
  it('quotes every cell and doubles quotes', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(42)).toBe('"42"');
  });

  it.each(['=1+2', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx'])('neutralises formula start %j', (value) => {
    expect(csvCell(value).startsWith(`"'`)).toBe(true);
  });

  it('turns control characters into U+FFFD so no row can be forged', () => {
    const cell = csvCell('a\r\nb,"c"\u0000');
    expect(cell).toBe('"a\uFFFD\uFFFDb,""c""\uFFFD"');
    expect(csvRow(['x\ny', 'z'])).toBe('"x\uFFFDy","z"\r\n');
  });
});
