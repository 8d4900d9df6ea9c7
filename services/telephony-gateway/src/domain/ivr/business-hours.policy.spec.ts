import { businessHoursProblems, isWithinBusinessHours } from './business-hours.policy';
import { BusinessHours } from './ivr-flow';

describe(isWithinBusinessHours.name, () => {
  // Weekdays 09:00–17:00 in New York (UTC−5 in January, UTC−4 in July).
  const newYork: BusinessHours = {
    timeZone: 'America/New_York',
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: ['2026-07-03'],
  };

  it.each([
    ['Monday 14:00 UTC = 09:00 local, the opening minute', '2026-01-05T14:00:00Z', true],
    ['Monday 13:59 UTC = 08:59 local', '2026-01-05T13:59:00Z', false],
    ['Monday 22:00 UTC = 17:00 local, the closing minute', '2026-01-05T22:00:00Z', false],
    ['Saturday noon local', '2026-01-10T17:00:00Z', false],
    ['daylight saving time: 13:30 UTC = 09:30 local', '2026-07-06T13:30:00Z', true],
    ['a holiday Friday', '2026-07-03T15:00:00Z', false],
    ['Tuesday 02:00 UTC is still Monday 21:00 local', '2026-01-06T02:00:00Z', false],
  ])('%s → %s', (_, instant, open) => {
    expect(isWithinBusinessHours(newYork, Date.parse(instant))).toBe(open);
  });

  it('keeps a 24:00 close open until the last minute of the day', () => {
    const late: BusinessHours = { timeZone: 'UTC', weekly: [{ day: 1, open: '20:00', close: '24:00' }], holidays: [] };

    expect(isWithinBusinessHours(late, Date.parse('2026-01-05T23:59:30Z'))).toBe(true);
    expect(isWithinBusinessHours(late, Date.parse('2026-01-06T00:00:00Z'))).toBe(false);
  });
});

describe(businessHoursProblems.name, () => {
  it('accepts well-formed hours', () => {
    expect(businessHoursProblems({ timeZone: 'UTC', weekly: [{ day: 0, open: '00:00', close: '24:00' }], holidays: [] })).toEqual([]);
  });

  it('names each malformed field', () => {
    expect(
      businessHoursProblems({
        timeZone: 'Mars/Olympus',
        weekly: [
          { day: 7, open: '09:00', close: '17:00' },
          { day: 1, open: '9:00', close: '17:00' },
          { day: 1, open: '18:00', close: '17:00' },
        ],
        holidays: ['2026-13-01'],
      }),
    ).toEqual([
      'unknown time zone "Mars/Olympus"',
      'weekly[0].day must be 0 (Sunday) to 6 (Saturday)',
      'weekly[1].open must be HH:MM',
      'weekly[2] closes (17:00) before it opens (18:00)',
      'holidays[0] must be YYYY-MM-DD',
    ]);
    expect(businessHoursProblems(null)).toEqual(['hours must be an object']);
  });
});
