import { INTERVAL_MS } from './interval-bucket';

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether Intl knows the zone (IANA names such as "Europe/Berlin", and "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    dateFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format;
}

/** The local calendar date of `at` in the zone, as YYYY-MM-DD (so dates compare as strings). */
export function localDateOf(at: number, timeZone: string): string {
  return dateFormat(timeZone).format(at);
}

/**
 * The local day holding `at` in the zone, as epoch ms [start, end): 24 h, or 23 / 25 h on a
 * daylight-saving change. Every zone in use is a whole number of 15 minutes off UTC, so local
 * midnight is an interval boundary: the day's start is the first boundary with the local date,
 * found by bisection within ±15 h of UTC midnight of that date.
 */
export function localDayOf(at: number, timeZone: string): { readonly startMs: number; readonly endMs: number } {
  const date = localDateOf(at, timeZone);
  return { startMs: localDateStart(date, timeZone), endMs: localDateStart(addDays(date, 1), timeZone) };
}

/** The calendar date `days` after `date` (YYYY-MM-DD, negative for earlier). */
export function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/**
 * The first interval boundary whose local date is `date` or later: local midnight, or the first
 * instant of the date when the clocks skip midnight; a date the zone skipped entirely gives the
 * start of the next one.
 */
export function localDateStart(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let low = (utcMidnight - 15 * 3_600_000) / INTERVAL_MS;
  let high = (utcMidnight + 15 * 3_600_000) / INTERVAL_MS;
  // Invariant: the boundary `low` is before the date, `high` on or after its start.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (localDateOf(mid * INTERVAL_MS, timeZone) < date) low = mid;
    else high = mid;
  }
  return high * INTERVAL_MS;
}
