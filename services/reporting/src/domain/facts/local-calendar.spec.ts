import fc from 'fast-check';
import { INTERVAL_MS } from './interval-bucket';
import { isLocalDayStart, type LocalCalendar, localMinuteOfDay, rollupBounds, UTC_CALENDAR } from './local-calendar';
import { localDateOf } from './local-day';

const H = 3_600_000;
const berlin: LocalCalendar = { timeZone: 'Europe/Berlin', firstDayOfWeek: 1 };
const newYork: LocalCalendar = { timeZone: 'America/New_York', firstDayOfWeek: 1 };
const kathmandu: LocalCalendar = { timeZone: 'Asia/Kathmandu', firstDayOfWeek: 1 };
const lengthsInHours = (bounds: number[]) => bounds.slice(1).map((end, i) => (end - bounds[i]) / H);

describe('roll-up buckets in a tenant time zone', () => {
  it('are UTC hours, days, ISO weeks and months in UTC', () => {
    expect(rollupBounds(Date.UTC(2025, 0, 6, 9), Date.UTC(2025, 0, 6, 11), 'hour', UTC_CALENDAR)).toEqual([Date.UTC(2025, 0, 6, 9), Date.UTC(2025, 0, 6, 10), Date.UTC(2025, 0, 6, 11)]);
    expect(rollupBounds(Date.UTC(2025, 0, 6, 9, 15), Date.UTC(2025, 0, 7, 0, 15), 'day', UTC_CALENDAR)).toEqual([Date.UTC(2025, 0, 6), Date.UTC(2025, 0, 7), Date.UTC(2025, 0, 8)]);
    // 8 January 2025 is a Wednesday: its ISO week starts on Monday the 6th.
    expect(rollupBounds(Date.UTC(2025, 0, 8), Date.UTC(2025, 0, 9), 'week', UTC_CALENDAR)).toEqual([Date.UTC(2025, 0, 6), Date.UTC(2025, 0, 13)]);
    expect(rollupBounds(Date.UTC(2025, 0, 31), Date.UTC(2025, 1, 2), 'month', UTC_CALENDAR)).toEqual([Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1), Date.UTC(2025, 2, 1)]);
  });

  it('make Berlin days of 23 h in spring and 25 h in autumn', () => {
    // 30 March 2025: 00:00 CET = 23:00 UTC on the 29th; 31 March 00:00 CEST = 22:00 UTC on the 30th.
    const spring = rollupBounds(Date.UTC(2025, 2, 28, 23), Date.UTC(2025, 2, 31, 22), 'day', berlin);
    expect(spring).toEqual([Date.UTC(2025, 2, 28, 23), Date.UTC(2025, 2, 29, 23), Date.UTC(2025, 2, 30, 22), Date.UTC(2025, 2, 31, 22)]);
    expect(lengthsInHours(spring)).toEqual([24, 23, 24]);
    // 26 October 2025: 00:00 CEST = 22:00 UTC on the 25th; 27 October 00:00 CET = 23:00 UTC on the 26th.
    expect(lengthsInHours(rollupBounds(Date.UTC(2025, 9, 25, 22), Date.UTC(2025, 9, 26, 23), 'day', berlin))).toEqual([25]);
  });

  it('skip the Berlin hour that does not exist and keep both 02:00 hours of the autumn night apart', () => {
    const spring = rollupBounds(Date.UTC(2025, 2, 29, 23), Date.UTC(2025, 2, 30, 22), 'hour', berlin);
    expect(spring).toHaveLength(24); // 23 hours, 24 bounds
    // 01:00 CET (00:00 UTC) is followed by 03:00 CEST (01:00 UTC): one hour of real time.
    expect(spring.slice(1, 3)).toEqual([Date.UTC(2025, 2, 30, 0), Date.UTC(2025, 2, 30, 1)]);
    const autumn = rollupBounds(Date.UTC(2025, 9, 25, 22), Date.UTC(2025, 9, 26, 23), 'hour', berlin);
    expect(autumn).toHaveLength(26); // 25 hours
    // 02:00 CEST is 00:00 UTC, 02:00 CET is 01:00 UTC: two buckets.
    expect(autumn.slice(2, 5)).toEqual([Date.UTC(2025, 9, 26, 0), Date.UTC(2025, 9, 26, 1), Date.UTC(2025, 9, 26, 2)]);
    expect(new Set(lengthsInHours(autumn))).toEqual(new Set([1]));
  });

  it('follow New York across both changes of 2025', () => {
    // 9 March: 00:00 EST = 05:00 UTC, 10 March 00:00 EDT = 04:00 UTC (23 h).
    expect(rollupBounds(Date.UTC(2025, 2, 9, 12), Date.UTC(2025, 2, 9, 13), 'day', newYork)).toEqual([Date.UTC(2025, 2, 9, 5), Date.UTC(2025, 2, 10, 4)]);
    // 2 November: 00:00 EDT = 04:00 UTC, 3 November 00:00 EST = 05:00 UTC (25 h).
    expect(rollupBounds(Date.UTC(2025, 10, 2, 12), Date.UTC(2025, 10, 2, 13), 'day', newYork)).toEqual([Date.UTC(2025, 10, 2, 4), Date.UTC(2025, 10, 3, 5)]);
    // November 2025: 1 Nov 00:00 EDT = 04:00 UTC to 1 Dec 00:00 EST = 05:00 UTC; 30 days and one hour.
    const november = rollupBounds(Date.UTC(2025, 10, 10), Date.UTC(2025, 10, 11), 'month', newYork);
    expect(november).toEqual([Date.UTC(2025, 10, 1, 4), Date.UTC(2025, 11, 1, 5)]);
    expect(lengthsInHours(november)).toEqual([30 * 24 + 1]);
  });

  it('start Kathmandu (UTC+05:45) hours at a quarter past the UTC hour and its days at 18:15 UTC', () => {
    expect(rollupBounds(Date.UTC(2025, 2, 9, 0, 15), Date.UTC(2025, 2, 9, 2, 15), 'hour', kathmandu)).toEqual([
      Date.UTC(2025, 2, 9, 0, 15),
      Date.UTC(2025, 2, 9, 1, 15),
      Date.UTC(2025, 2, 9, 2, 15),
    ]);
    // 00:00 UTC is 05:45 local, in the hour from 05:00 local = 23:15 UTC the day before.
    expect(rollupBounds(Date.UTC(2025, 2, 9), Date.UTC(2025, 2, 9, 0, 15), 'hour', kathmandu)).toEqual([Date.UTC(2025, 2, 8, 23, 15), Date.UTC(2025, 2, 9, 0, 15)]);
    expect(rollupBounds(Date.UTC(2025, 2, 9), Date.UTC(2025, 2, 9, 0, 15), 'day', kathmandu)).toEqual([Date.UTC(2025, 2, 8, 18, 15), Date.UTC(2025, 2, 9, 18, 15)]);
    expect(isLocalDayStart(Date.UTC(2025, 2, 8, 18, 15), 'Asia/Kathmandu')).toBe(true);
    expect(isLocalDayStart(Date.UTC(2025, 2, 9), 'Asia/Kathmandu')).toBe(false);
  });

  it('start weeks on Monday, or on the weekday the tenant chose', () => {
    // The Berlin week of the spring change: Monday 24 March 00:00 CET to Monday 31 March 00:00 CEST, 167 h.
    const week = rollupBounds(Date.UTC(2025, 2, 26), Date.UTC(2025, 2, 27), 'week', berlin);
    expect(week).toEqual([Date.UTC(2025, 2, 23, 23), Date.UTC(2025, 2, 30, 22)]);
    expect(lengthsInHours(week)).toEqual([167]);
    // Weeks from Sunday: Wednesday 26 March belongs to the week from Sunday the 23rd.
    expect(rollupBounds(Date.UTC(2025, 2, 26), Date.UTC(2025, 2, 27), 'week', { ...berlin, firstDayOfWeek: 7 })).toEqual([Date.UTC(2025, 2, 22, 23), Date.UTC(2025, 2, 29, 23)]);
  });

  it('leave no empty bucket for a date the zone skipped', () => {
    // Samoa skipped 30 December 2011 (UTC-10 to UTC+14; 12:00 UTC on the 30th is 02:00 on the 31st): the 29th is followed by the 31st.
    const days = rollupBounds(Date.UTC(2011, 11, 29, 12), Date.UTC(2011, 11, 30, 12), 'day', { timeZone: 'Pacific/Apia', firstDayOfWeek: 1 });
    expect(days.map((at) => localDateOf(at, 'Pacific/Apia'))).toEqual(['2011-12-29', '2011-12-31', '2012-01-01']);
  });

  it('make every bucket the run of 15-minute intervals with the same local date, week or month', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Asia/Kolkata'];
    const monthOf = (at: number, zone: string) => localDateOf(at, zone).slice(0, 7);
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 2 * 365 * 96 }),
        fc.integer({ min: 1, max: 60 * 96 }),
        fc.constantFrom('day' as const, 'month' as const),
        (timeZone, startInterval, intervals, granularity) => {
          const fromMs = Date.UTC(2024, 0, 1) + startInterval * INTERVAL_MS;
          const toMs = fromMs + intervals * INTERVAL_MS;
          const bounds = rollupBounds(fromMs, toMs, granularity, { timeZone, firstDayOfWeek: 1 });
          const key = granularity === 'day' ? localDateOf : monthOf;
          expect(bounds[0]).toBeLessThanOrEqual(fromMs);
          expect(bounds[bounds.length - 1]).toBeGreaterThanOrEqual(toMs);
          for (let i = 0; i + 1 < bounds.length; i += 1) {
            expect(bounds[i] % INTERVAL_MS).toBe(0);
            expect(key(bounds[i] - INTERVAL_MS, timeZone)).not.toBe(key(bounds[i], timeZone));
            expect(key(bounds[i + 1] - INTERVAL_MS, timeZone)).toBe(key(bounds[i], timeZone));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe(localMinuteOfDay.name, () => {
  it('gives the local wall-clock time, twice for the repeated autumn hour', () => {
    expect(localMinuteOfDay(Date.UTC(2025, 2, 30, 7), 'Europe/Berlin')).toBe(9 * 60);
    expect(localMinuteOfDay(Date.UTC(2025, 2, 23, 8), 'Europe/Berlin')).toBe(9 * 60);
    expect(localMinuteOfDay(Date.UTC(2025, 9, 26, 0, 15), 'Europe/Berlin')).toBe(2 * 60 + 15);
    expect(localMinuteOfDay(Date.UTC(2025, 9, 26, 1, 15), 'Europe/Berlin')).toBe(2 * 60 + 15);
    expect(localMinuteOfDay(Date.UTC(2025, 0, 1, 18, 15), 'Asia/Kathmandu')).toBe(0);
    expect(localMinuteOfDay(Date.UTC(2025, 0, 1, 4, 59), 'America/New_York')).toBe(23 * 60 + 59);
  });
});
