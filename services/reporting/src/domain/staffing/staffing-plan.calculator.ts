import { INTERVAL_MS } from '../facts/interval-bucket';
import { localMinuteOfDay } from '../facts/local-calendar';
import { addDays, isKnownTimeZone, localDateStart } from '../facts/local-day';
import { requiredAgents } from './required-agents.calculator';
import { requireStaffingInput } from './staffing-input.error';

/** What one past interval saw: contacts offered, and handled contacts with their handle time. */
export interface IntervalHistory {
  readonly intervalStartMs: number;
  readonly offered: number;
  readonly handled: number;
  readonly handleMs: number;
}

export interface StaffingPlanInput {
  /** The local date to plan (YYYY-MM-DD in `timeZone`). */
  readonly date: string;
  /** The tenant's IANA zone: its local days and wall-clock intervals are planned and compared. */
  readonly timeZone: string;
  /** How many previous same weekdays to average, 1 to 12. */
  readonly weeks: number;
  readonly targetServiceLevel: number;
  readonly targetAnswerTimeSeconds: number;
  readonly maxOccupancy: number;
  readonly shrinkage: number;
}

export interface PlannedInterval {
  readonly intervalStartMs: number;
  readonly forecastContacts: number;
  /** 0 when nothing was handled in the weeks averaged. */
  readonly forecastAhtSeconds: number;
  readonly rawAgents: number;
  readonly agentsWithShrinkage: number;
  readonly serviceLevel: number;
  readonly occupancy: number;
}

/**
 * The history a plan needs: from the start of the same weekday `weeks` weeks before to the end of
 * the one a week before, in local days.
 */
export function historyRange(input: Pick<StaffingPlanInput, 'date' | 'timeZone' | 'weeks'>): { fromMs: number; toMs: number } {
  return { fromMs: localDateStart(addDays(input.date, -7 * input.weeks), input.timeZone), toMs: localDateStart(addDays(input.date, -6), input.timeZone) };
}

/**
 * A plan for the 15-minute intervals of one local day (96; 92 or 100 when the clocks change).
 * Intervals are matched by local wall-clock time, so 09:00 is forecast from 09:00 of the weeks
 * before even across a daylight-saving change. Forecast volume = mean offered contacts of that
 * wall-clock interval over the previous `weeks` same weekdays that had it (a day without contacts
 * counts as 0; a spring day without 02:00-03:00 does not count for those intervals); on an autumn
 * day the repeated hour's two intervals count as their mean, and both occurrences on a planned
 * autumn day get the forecast of their wall-clock time. Forecast AHT = handle time / handled
 * contacts over the same intervals. Agents per interval by Erlang C (requiredAgents) for the
 * targets; an interval without volume or AHT needs none.
 */
export function staffingPlan(history: readonly IntervalHistory[], input: StaffingPlanInput): PlannedInterval[] {
  const { date, timeZone, weeks } = input;
  requireStaffingInput(isCalendarDate(date), `date must be YYYY-MM-DD, got ${date}`);
  requireStaffingInput(isKnownTimeZone(timeZone), `timeZone ${timeZone} is not an IANA time zone`);
  requireStaffingInput(Number.isInteger(weeks) && weeks >= 1 && weeks <= 12, `weeks must be an integer in 1-12, got ${weeks}`);
  const byStart = new Map<number, Sums>();
  for (const row of history) addTo(byStart, row.intervalStartMs, row);
  const bySlot = new Map<number, Sums>();
  for (let back = 1; back <= weeks; back += 1) {
    const day = new Map<number, Sums>();
    for (const { startMs, minute } of wallClockIntervals(addDays(date, -7 * back), timeZone)) addTo(day, minute, byStart.get(startMs) ?? NONE);
    for (const [minute, sums] of day) addTo(bySlot, minute, { ...sums, offered: sums.offered / sums.count });
  }
  return wallClockIntervals(date, timeZone).map(({ startMs, minute }) => {
    const sums = bySlot.get(minute) ?? NONE;
    const forecastContacts = sums.count === 0 ? 0 : sums.offered / sums.count;
    const forecastAhtSeconds = sums.handled === 0 ? 0 : sums.handleMs / sums.handled / 1000;
    const base = { intervalStartMs: startMs, forecastContacts, forecastAhtSeconds };
    if (forecastContacts === 0 || forecastAhtSeconds === 0) return { ...base, rawAgents: 0, agentsWithShrinkage: 0, serviceLevel: 1, occupancy: 0 };
    const { rawAgents, agentsWithShrinkage, serviceLevel, occupancy } = requiredAgents({
      callsPerInterval: forecastContacts,
      intervalSeconds: INTERVAL_MS / 1000,
      ahtSeconds: forecastAhtSeconds,
      targetServiceLevel: input.targetServiceLevel,
      targetAnswerTimeSeconds: input.targetAnswerTimeSeconds,
      maxOccupancy: input.maxOccupancy,
      shrinkage: input.shrinkage,
    });
    return { ...base, rawAgents, agentsWithShrinkage, serviceLevel, occupancy };
  });
}

function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date)) && addDays(date, 0) === date;
}

/** Offered, handled and handle time summed over `count` intervals (or days). */
interface Sums {
  count: number;
  offered: number;
  handled: number;
  handleMs: number;
}

const NONE: Sums = Object.freeze({ count: 0, offered: 0, handled: 0, handleMs: 0 });

/** Adds one interval (or one day's mean) to the sums under `key`. */
function addTo(sums: Map<number, Sums>, key: number, add: Omit<Sums, 'count'>): void {
  const into = sums.get(key);
  if (into) {
    into.count += 1;
    into.offered += add.offered;
    into.handled += add.handled;
    into.handleMs += add.handleMs;
  } else sums.set(key, { count: 1, offered: add.offered, handled: add.handled, handleMs: add.handleMs });
}

/** The 15-minute intervals of a local date with their wall-clock minute; none for a date the zone skipped. */
function wallClockIntervals(date: string, timeZone: string): { startMs: number; minute: number }[] {
  const [start, end] = [localDateStart(date, timeZone), localDateStart(addDays(date, 1), timeZone)];
  const intervals: { startMs: number; minute: number }[] = [];
  for (let at = start; at < end; at += INTERVAL_MS) intervals.push({ startMs: at, minute: localMinuteOfDay(at, timeZone) });
  return intervals;
}
