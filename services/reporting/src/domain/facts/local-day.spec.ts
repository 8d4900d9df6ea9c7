import { isKnownTimeZone, localDateOf, localDayOf } from './local-day';

const H = 3_600_000;

describe('the local day of a tenant time zone', () => {
  it('is the UTC day in UTC', () => {
    expect(localDayOf(Date.UTC(2025, 2, 30, 12), 'UTC')).toEqual({ startMs: Date.UTC(2025, 2, 30), endMs: Date.UTC(2025, 2, 31) });
  });

  it('is 23 h long when Berlin springs forward and 25 h when it falls back', () => {
    // 30 March 2025: 00:00 CET is 23:00 UTC the day before; 24:00 CEST is 22:00 UTC.
    const spring = localDayOf(Date.UTC(2025, 2, 30, 12), 'Europe/Berlin');
    expect(spring).toEqual({ startMs: Date.UTC(2025, 2, 29, 23), endMs: Date.UTC(2025, 2, 30, 22) });
    expect(spring.endMs - spring.startMs).toBe(23 * H);
    // 26 October 2025: 00:00 CEST is 22:00 UTC the day before; 24:00 CET is 23:00 UTC.
    const autumn = localDayOf(Date.UTC(2025, 9, 26, 12), 'Europe/Berlin');
    expect(autumn).toEqual({ startMs: Date.UTC(2025, 9, 25, 22), endMs: Date.UTC(2025, 9, 26, 23) });
    expect(autumn.endMs - autumn.startMs).toBe(25 * H);
  });

  it('puts the minutes around local midnight on the right side', () => {
    // 22:59:59 UTC on 29 March is 23:59:59 CET on the 29th; 23:00 UTC is already the 30th.
    expect(localDateOf(Date.UTC(2025, 2, 29, 22, 59, 59), 'Europe/Berlin')).toBe('2025-03-29');
    expect(localDayOf(Date.UTC(2025, 2, 29, 22, 59, 59), 'Europe/Berlin').endMs).toBe(Date.UTC(2025, 2, 29, 23));
    expect(localDayOf(Date.UTC(2025, 2, 29, 23), 'Europe/Berlin').startMs).toBe(Date.UTC(2025, 2, 29, 23));
  });

  it('handles zones west of UTC and half-hour offsets', () => {
    // New York springs forward on 9 March 2025: 00:00 EST = 05:00 UTC, 24:00 EDT = 04:00 UTC.
    expect(localDayOf(Date.UTC(2025, 2, 9, 12), 'America/New_York')).toEqual({ startMs: Date.UTC(2025, 2, 9, 5), endMs: Date.UTC(2025, 2, 10, 4) });
    // India is UTC+05:30 all year.
    expect(localDayOf(Date.UTC(2025, 2, 9, 12), 'Asia/Kolkata')).toEqual({ startMs: Date.UTC(2025, 2, 8, 18, 30), endMs: Date.UTC(2025, 2, 9, 18, 30) });
  });

  it('knows IANA zones and refuses anything else', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('UTC')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownTimeZone('')).toBe(false);
  });
});
