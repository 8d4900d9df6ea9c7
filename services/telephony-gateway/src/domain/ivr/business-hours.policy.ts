import { BusinessHours } from './ivr-flow';

// Routing has its own copy of this rule, but `@contactcenter/routing` exports only its Nest
// module, so importing it would drag the routing service into the gateway.

const weekdayNumbers: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const clockPattern = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const datePattern = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;

// Creating an Intl formatter costs far more than using one: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

function clockMinutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

/** Whether the hours are open at `now` (ms since the epoch). */
export function isWithinBusinessHours(hours: BusinessHours, now: number): boolean {
  const part: Record<string, string> = {};
  for (const { type, value } of formatter(hours.timeZone).formatToParts(now)) part[type] = value;
  if (hours.holidays.includes(`${part.year}-${part.month}-${part.day}`)) return false;
  const day = weekdayNumbers[part.weekday];
  const minute = Number(part.hour) * 60 + Number(part.minute);
  return hours.weekly.some((w) => w.day === day && clockMinutes(w.open) <= minute && minute < clockMinutes(w.close));
}

/** What is wrong with the hours (empty when nothing). Input may be any JSON. */
export function businessHoursProblems(hours: unknown): string[] {
  if (typeof hours !== 'object' || hours === null) return ['hours must be an object'];
  const { timeZone, weekly, holidays } = hours as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof timeZone !== 'string') problems.push('timeZone must be a string');
  else {
    try {
      formatter(timeZone);
    } catch {
      problems.push(`unknown time zone "${timeZone}"`);
    }
  }
  if (!Array.isArray(weekly)) problems.push('weekly must be an array');
  else {
    weekly.forEach((w: unknown, i) => {
      const { day, open, close } = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
      if (!Number.isInteger(day) || (day as number) < 0 || (day as number) > 6) {
        problems.push(`weekly[${i}].day must be 0 (Sunday) to 6 (Saturday)`);
      }
      if (typeof open !== 'string' || !clockPattern.test(open) || open === '24:00') {
        problems.push(`weekly[${i}].open must be HH:MM`);
      } else if (typeof close !== 'string' || !clockPattern.test(close)) {
        problems.push(`weekly[${i}].close must be HH:MM or 24:00`);
      } else if (clockMinutes(close) <= clockMinutes(open)) {
        problems.push(`weekly[${i}] closes (${close}) before it opens (${open})`);
      }
    });
  }
  if (!Array.isArray(holidays)) problems.push('holidays must be an array');
  else {
    holidays.forEach((h: unknown, i) => {
      if (typeof h !== 'string' || !datePattern.test(h)) problems.push(`holidays[${i}] must be YYYY-MM-DD`);
    });
  }
  return problems;
}
