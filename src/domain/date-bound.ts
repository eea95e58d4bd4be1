/**
 * Date-range bounds of the activity log filter. A bound is either an instant
 * (`2026-11-28T08:01:02.345Z`, any offset) or a calendar day (`2026-11-28`), read in the
 * practice's time zone: `from` a day means its first moment, `to` a day includes the whole
 * day. Bounds are returned as half-open [from, to) in ms since the epoch.
 */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export type BoundSide = 'from' | 'to';

/** The bound in ms, or undefined when the text is neither an instant nor a real calendar day. */
export function parseDateBound(text: string, side: BoundSide, timeZone: string): number | undefined {
  if (INSTANT.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    return side === 'from' ? at : at + 1;
  }
  const day = DAY.exec(text);
  if (!day) return undefined;
  const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const utcMidnight = Date.UTC(year, month - 1, date);
  const check = new Date(utcMidnight);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date)
    return undefined;
  return zonedMidnight(side === 'from' ? utcMidnight : utcMidnight + DAY_MS, timeZone);
}

/** The instant the wall clock in timeZone shows midnight of the UTC calendar day `utcMidnight`. */
function zonedMidnight(utcMidnight: number, timeZone: string): number {
  const first = utcMidnight - zoneOffset(timeZone, utcMidnight);
  const second = utcMidnight - zoneOffset(timeZone, first);
  return second;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (0 for an unknown zone). */
function zoneOffset(timeZone: string, at: number): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(at));
  } catch {
    return 0;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(at / 1000) * 1000;
}
