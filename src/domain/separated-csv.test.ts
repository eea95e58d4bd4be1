import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv-cell.js';
import { EXPORTED_EVENT_COLUMNS } from './event-columns.js';
import { csvFromSeparated, RECORD_SEPARATOR, UNIT_SEPARATOR } from './separated-csv.js';

type Fields = Record<(typeof EXPORTED_EVENT_COLUMNS)[number], string>;

const browserOf = (userAgent: string) => `${userAgent.slice(0, 3)} browser`;
/** Stand-ins for the readable cells: they depend on the time, type and details given. */
const readableOf = (at: number, type: string, details: string) => [`t${at}`, `${type}!`, `=${details}`];
const cells = {
  browser: (userAgent: string) => Buffer.from(csvCell(browserOf(userAgent))),
  readable: (at: number, type: string, details: string) =>
    Buffer.from(
      readableOf(at, type, details)
        .map((value) => `,${csvCell(value)}`)
        .join(''),
    ),
};

/** What the database sends: fields joined by the unit separator, events by the record separator. */
function separated(events: readonly Fields[]): Buffer {
  return Buffer.from(
    events
      .map((event) => EXPORTED_EVENT_COLUMNS.map((name) => event[name]).join(UNIT_SEPARATOR))
      .join(RECORD_SEPARATOR),
  );
}

/** What csvRow writes for the same events: the reference. */
function reference(events: readonly Fields[]): string {
  return events
    .map((e) =>
      csvRow([
        e.id,
        new Date(Number(e.at)).toISOString(),
        e.type,
        e.outcome,
        e.actor_id,
        e.actor_username,
        e.target_id,
        e.target_username,
        e.ip,
        browserOf(e.user_agent),
        e.user_agent,
        e.details,
        ...readableOf(Number(e.at), e.type, e.details),
      ]),
    )
    .join('');
}

const PLAIN: Fields = {
  id: 'e1',
  at: String(Date.UTC(2026, 10, 28, 9, 5, 7, 42)),
  type: 'login.failed',
  outcome: 'failure',
  actor_id: '',
  actor_username: '',
  target_id: 'u1',
  target_username: 'alice',
  ip: '192.0.2.7',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0.0.0',
  details: '{"reason":"wrong_password"}',
};

// Values a hostile or careless writer could leave in a stored event.
const AWKWARD = [
  '',
  'say "hi"',
  '"',
  '""',
  '=1+2',
  '+SUM(A1)',
  '-2',
  '@cmd',
  ' =not a formula',
  '!',
  'é ü 漢字 😀',
  "it's",
  'a,b',
  '\tx',
  '\rx',
  'line\nbreak',
  'crlf\r\n',
  'nul\u0000',
  'del\u007f',
  `unit${UNIT_SEPARATOR}sep`,
  `record${RECORD_SEPARATOR}sep`,
];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A deterministic pseudo-random stream. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

describe('csvFromSeparated', () => {
  it('writes what csvRow writes for ordinary events', () => {
    const events = [PLAIN, { ...PLAIN, id: 'e2', at: '0', actor_id: 'u1', actor_username: 'alice' }];
    expect(csvFromSeparated(separated(events), 2, cells)?.toString()).toBe(reference(events));
  });

  it('matches csvRow for awkward values and times, and refuses exactly control characters and years past 9999', () => {
    const next = random(7);
    const pick = () => AWKWARD[Math.floor(next() * AWKWARD.length)] as string;
    for (let round = 0; round < 2000; round++) {
      const events = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, k) => {
        // Any whole millisecond up to year 9999, and now and then one far beyond it.
        const at = Math.floor(next() * (next() < 0.05 ? 8.64e15 : 253_402_300_800_000));
        const event: Fields = { ...PLAIN, id: `e${k}`, at: String(at) };
        for (const name of EXPORTED_EVENT_COLUMNS) if (name !== 'at' && next() < 0.3) event[name] = pick();
        return event;
      });
      const result = csvFromSeparated(separated(events), events.length, cells);
      const hasControl = events.some((event) => Object.values(event).some((value) => CONTROL.test(value)));
      const farFuture = events.some((event) => Number(event.at) >= Date.UTC(10000, 0, 1));
      if (hasControl || farFuture) expect(result).toBeUndefined();
      else expect(result?.toString()).toBe(reference(events));
    }
  });

  it.each([
    ['a time that is not whole milliseconds', { at: '17.5' }],
    ['an empty time', { at: '' }],
    ['a negative time', { at: '-5' }],
  ])('refuses %s', (_, change) => {
    expect(csvFromSeparated(separated([{ ...PLAIN, ...change }]), 1, cells)).toBeUndefined();
  });

  it('refuses a batch whose shape is not the expected rows and fields', () => {
    const two = separated([PLAIN, PLAIN]);
    expect(csvFromSeparated(two, 1, cells)).toBeUndefined();
    expect(csvFromSeparated(two, 3, cells)).toBeUndefined();
    const extraField = Buffer.concat([separated([PLAIN]), Buffer.from(`${UNIT_SEPARATOR}x`)]);
    expect(csvFromSeparated(extraField, 1, cells)).toBeUndefined();
    const missingField = Buffer.from(
      EXPORTED_EVENT_COLUMNS.slice(1)
        .map((name) => PLAIN[name])
        .join(UNIT_SEPARATOR),
    );
    expect(csvFromSeparated(missingField, 1, cells)).toBeUndefined();
    expect(csvFromSeparated(Buffer.alloc(0), 0, cells)?.length).toBe(0);
  });

  it('grows its buffer for long browser cells', () => {
    const long = (userAgent: string) => Buffer.from(csvCell(`${userAgent} `.repeat(50)));
    const events = Array.from({ length: 50 }, (_, k) => ({ ...PLAIN, id: `e${k}` }));
    const expected = reference(events).replaceAll(
      csvCell(browserOf(PLAIN.user_agent)),
      csvCell(`${PLAIN.user_agent} `.repeat(50)),
    );
    expect(csvFromSeparated(separated(events), 50, { ...cells, browser: long })?.toString()).toBe(expected);
  });

  it('grows its buffer for long readable cells', () => {
    const words = 'word '.repeat(400);
    const long = (at: number) => Buffer.from(`,${csvCell(`t${at}`)},${csvCell(words)}`);
    const events = Array.from({ length: 50 }, (_, k) => ({ ...PLAIN, id: `e${k}` }));
    const expected = events
      .map((e) => reference([e]).replace(/,"t\d+",.*\r\n$/, `,${csvCell(`t${e.at}`)},${csvCell(words)}\r\n`))
      .join('');
    expect(expected).toContain(words);
    expect(csvFromSeparated(separated(events), 50, { ...cells, readable: long })?.toString()).toBe(expected);
  });
});
