import { BusinessHours } from './queue.config';

interface LocalTime {
  readonly date: string;
  readonly day: number;
  readonly minutes: number;
}

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const datePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

// Building a formatter is far slower than using one; there is one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localTime(timeZone: string, now: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(now)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day: weekdays[parts.weekday],
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whether the hours are open at the instant `now` (ms since the epoch). */
export function isOpenAt(hours: BusinessHours, now: number): boolean {
  const local = localTime(hours.timeZone, now);
  if (hours.holidays.includes(local.date)) return false;
  return hours.weekly.some(
    (interval) =>
      interval.day === local.day && minutesOf(interval.open) <= local.minutes && local.minutes < minutesOf(interval.close),
  );
}

/** Why the hours are malformed, or an empty list. */
export function businessHoursProblems(hours: BusinessHours): string[] {
  const problems: string[] = [];
  try {
    formatterFor(hours.timeZone);
  } catch {
    problems.push(`unknown time zone "${hours.timeZone}"`);
  }
  for (const interval of hours.weekly) {
    if (!Number.isInteger(interval.day) || interval.day < 0 || interval.day > 6) {
      problems.push(`weekday ${interval.day} is not 0 (Sunday) to 6 (Saturday)`);
    }
    if (!timePattern.test(interval.open) || interval.open === '24:00' || !timePattern.test(interval.close)) {
      problems.push(`interval ${interval.open}-${interval.close} is not HH:MM-HH:MM`);
    } else if (minutesOf(interval.close) <= minutesOf(interval.open)) {
      problems.push(`interval ${interval.open}-${interval.close} closes before it opens`);
    }
  }
  for (const holiday of hours.holidays) {
    if (!datePattern.test(holiday)) problems.push(`holiday "${holiday}" is not YYYY-MM-DD`);
  }
  return problems;
}
