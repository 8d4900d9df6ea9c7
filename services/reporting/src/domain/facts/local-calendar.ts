import { INTERVAL_MS } from './interval-bucket';
import { addDays, localDateOf, localDateStart } from './local-day';

export type RollupGranularity = 'hour' | 'day' | 'week' | 'month';

/** ISO weekday numbers: 1 Monday … 7 Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** How a tenant's calendar cuts time into roll-up buckets. */
export interface LocalCalendar {
  /** IANA zone whose local hours, days, weeks and months the buckets are. */
  readonly timeZone: string;
  readonly firstDayOfWeek: IsoWeekday;
}

export const UTC_CALENDAR: LocalCalendar = Object.freeze({ timeZone: 'UTC', firstDayOfWeek: 1 });

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The bounds of the local buckets covering [fromMs, toMs): ascending instants b0 ≤ fromMs <
 * b1 < … < bn ≥ toMs, bucket i being [b_i, b_i+1). Every bound is a 15-minute boundary (all
 * real zones are a whole number of 15 minutes off UTC), so each bucket is an exact union of
 * interval aggregates: days are 23 or 25 h when the clocks change, and the hour repeated in
 * autumn is two buckets.
 */
export function rollupBounds(fromMs: number, toMs: number, granularity: RollupGranularity, calendar: LocalCalendar): number[] {
  const bounds = granularity === 'hour' ? hourBounds(fromMs, toMs, calendar.timeZone) : dateBounds(fromMs, toMs, granularity, calendar);
  let first = 0;
  while (bounds[first + 1] <= fromMs) first += 1;
  let last = first + 1;
  while (bounds[last] < toMs) last += 1;
  return bounds.slice(first, last + 1);
}

/** Whether `at` starts a local day of the zone (the daily roll-up tables hold whole local days). */
export function isLocalDayStart(at: number, timeZone: string): boolean {
  return localDateStart(localDateOf(at, timeZone), timeZone) === at;
}

/** Day, week and month bounds: the starts of their first local dates, up to one at or after toMs. */
function dateBounds(fromMs: number, toMs: number, granularity: Exclude<RollupGranularity, 'hour'>, calendar: LocalCalendar): number[] {
  let key = firstDateOfBucket(localDateOf(fromMs, calendar.timeZone), granularity, calendar.firstDayOfWeek);
  const bounds = [localDateStart(key, calendar.timeZone)];
  while (bounds[bounds.length - 1] < toMs) {
    key = granularity === 'day' ? addDays(key, 1) : granularity === 'week' ? addDays(key, 7) : firstOfNextMonth(key);
    const start = localDateStart(key, calendar.timeZone);
    // A date the zone skipped (Samoa, 30 Dec 2011) starts where the next one does: no empty bucket.
    if (start > bounds[bounds.length - 1]) bounds.push(start);
  }
  return bounds;
}

function firstDateOfBucket(date: string, granularity: Exclude<RollupGranularity, 'hour'>, firstDayOfWeek: IsoWeekday): string {
  if (granularity === 'day') return date;
  if (granularity === 'month') return `${date.slice(0, 8)}01`;
  return addDays(date, -((isoWeekdayOf(date) - firstDayOfWeek + 7) % 7));
}

function isoWeekdayOf(date: string): IsoWeekday {
  return (((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1) as IsoWeekday;
}

function firstOfNextMonth(date: string): string {
  const next = new Date(`${date.slice(0, 8)}01T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * Local hours day by day. A day with one offset throughout is 24 whole hours from its start;
 * on a day the clocks change, a new hour starts at each interval whose local hour or offset differs
 * from the one before (so both 02:00 hours of an autumn night are their own bucket).
 */
function hourBounds(fromMs: number, toMs: number, timeZone: string): number[] {
  const days = dateBounds(fromMs, toMs, 'day', { timeZone, firstDayOfWeek: 1 });
  const bounds: number[] = [];
  for (let i = 0; i + 1 < days.length; i += 1) {
    const [start, end] = [days[i], days[i + 1]];
    const offset = offsetOf(start, timeZone);
    if (end - start === DAY_MS && offsetOf(end - INTERVAL_MS, timeZone) === offset) {
      for (let at = start; at < end; at += HOUR_MS) bounds.push(at);
      continue;
    }
    let previous = '';
    for (let at = start; at < end; at += INTERVAL_MS) {
      const local = at + offsetOf(at, timeZone);
      const label = `${Math.floor(local / HOUR_MS)}|${local - at}`;
      if (label !== previous) bounds.push(at);
      previous = label;
    }
  }
  bounds.push(days[days.length - 1]);
  return bounds;
}

/** The local wall-clock time of `at` in the zone, as minutes after local midnight (0-1439). */
export function localMinuteOfDay(at: number, timeZone: string): number {
  const local = at + offsetOf(at, timeZone);
  return (((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock time minus UTC at `at` (a whole minute), in ms. */
function offsetOf(at: number, timeZone: string): number {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    wallClocks.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map(({ type, value }) => [type, Number(value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - at;
}
