import { businessHoursProblems, isOpenAt } from './business-hours.policy';
import { BusinessHours } from './queue.config';

describe(isOpenAt.name, () => {
  // Weekdays 09:00–17:00 in Berlin (UTC+1 in January, UTC+2 in July).
  const berlin: BusinessHours = {
    timeZone: 'Europe/Berlin',
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: ['2025-01-01'],
    whenClosed: { kind: 'reject' },
  };
  const sut = isOpenAt;

  it.each([
    ['Monday 08:00 UTC = 09:00 local, opening minute', '2025-01-06T08:00:00Z', true],
    ['Monday 07:59 UTC = 08:59 local', '2025-01-06T07:59:00Z', false],
    ['Monday 15:59 UTC = 16:59 local', '2025-01-06T15:59:00Z', true],
    ['Monday 16:00 UTC = 17:00 local, closing minute', '2025-01-06T16:00:00Z', false],
    ['Saturday at noon', '2025-01-11T11:00:00Z', false],
    ['New Year, a Wednesday holiday', '2025-01-01T10:00:00Z', false],
    ['summer time: 07:30 UTC = 09:30 local', '2025-07-07T07:30:00Z', true],
    ['Sunday 23:30 UTC is already Monday 00:30 local, still closed', '2025-01-05T23:30:00Z', false],
  ])('%s → %s', (_, instant, open) => {
    expect(sut(berlin, Date.parse(instant))).toBe(open);
  });

  it('supports intervals that close at midnight', () => {
    const lateShift: BusinessHours = { ...berlin, timeZone: 'UTC', weekly: [{ day: 1, open: '18:00', close: '24:00' }] };

    expect(sut(lateShift, Date.parse('2025-01-06T23:59:00Z'))).toBe(true);
    expect(sut(lateShift, Date.parse('2025-01-07T00:00:00Z'))).toBe(false);
  });
});

describe(businessHoursProblems.name, () => {
  it('accepts well-formed hours', () => {
    expect(
      businessHoursProblems({
        timeZone: 'America/New_York',
        weekly: [{ day: 0, open: '00:00', close: '24:00' }],
        holidays: ['2025-12-25'],
        whenClosed: { kind: 'queue' },
      }),
    ).toEqual([]);
  });

  it('names every problem', () => {
    const problems = businessHoursProblems({
      timeZone: 'Mars/Olympus',
      weekly: [
        { day: 7, open: '09:00', close: '17:00' },
        { day: 1, open: '9am', close: '17:00' },
        { day: 2, open: '17:00', close: '09:00' },
      ],
      holidays: ['25.12.2025'],
      whenClosed: { kind: 'reject' },
    });

    expect(problems).toEqual([
      'unknown time zone "Mars/Olympus"',
      'weekday 7 is not 0 (Sunday) to 6 (Saturday)',
      'interval 9am-17:00 is not HH:MM-HH:MM',
      'interval 17:00-09:00 closes before it opens',
      'holiday "25.12.2025" is not YYYY-MM-DD',
    ]);
  });
});
