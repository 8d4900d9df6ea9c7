import { requiredAgents } from './required-agents.calculator';
import { historyRange, type IntervalHistory, staffingPlan } from './staffing-plan.calculator';
import { StaffingInputError } from './staffing-input.error';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const H = 3_600_000;
const MONDAY = Date.UTC(2025, 0, 20);
const NINE = 9 * H;
const BERLIN = 'Europe/Berlin';
const utc = (iso: string) => Date.parse(`${iso}Z`);
const targets = { targetServiceLevel: 0.8, targetAnswerTimeSeconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 };
/** `n` contacts handled in `ahtS` seconds each, in the interval starting at `atMs`. */
const seen = (atMs: number, n: number, ahtS = 180): IntervalHistory => ({ intervalStartMs: atMs, offered: n, handled: n, handleMs: n * ahtS * 1000 });
const at = (plan: ReturnType<typeof staffingPlan>, startMs: number) => plan.filter((interval) => interval.intervalStartMs === startMs);

describe(staffingPlan.name, () => {
  it('averages the same weekday and interval of the previous weeks and staffs it by Erlang C', () => {
    const history: IntervalHistory[] = [
      // 09:00 on the three Mondays before: 40, 50 and 60 contacts, 4,500 handled minutes in all.
      { intervalStartMs: MONDAY - WEEK + NINE, offered: 40, handled: 40, handleMs: 40 * 170_000 },
      { intervalStartMs: MONDAY - 2 * WEEK + NINE, offered: 50, handled: 50, handleMs: 50 * 180_000 },
      { intervalStartMs: MONDAY - 3 * WEEK + NINE, offered: 60, handled: 60, handleMs: 60 * 190_000 },
      // A Tuesday and a fourth week back are not part of a 3-week forecast for a Monday.
      { intervalStartMs: MONDAY - WEEK + DAY + NINE, offered: 500, handled: 500, handleMs: 500 * 900_000 },
      { intervalStartMs: MONDAY - 4 * WEEK + NINE, offered: 500, handled: 500, handleMs: 500 * 900_000 },
    ];

    const sut = staffingPlan(history, { date: '2025-01-20', timeZone: 'UTC', weeks: 3, ...targets });

    // Forecast (40 + 50 + 60) / 3 = 50 contacts; AHT (6,800 + 9,000 + 11,400) s / 150 = 181.33 s.
    const nine = sut[36];
    expect(sut).toHaveLength(96);
    expect(nine.intervalStartMs).toBe(MONDAY + NINE);
    expect(nine.forecastContacts).toBe(50);
    expect(nine.forecastAhtSeconds).toBeCloseTo(27_200 / 150, 9);
    const expected = requiredAgents({ callsPerInterval: 50, intervalSeconds: 900, ahtSeconds: 27_200 / 150, ...targets });
    expect(nine).toMatchObject({ rawAgents: expected.rawAgents, agentsWithShrinkage: expected.agentsWithShrinkage });
    // Intervals without history need nobody.
    expect(sut[0]).toMatchObject({ forecastContacts: 0, rawAgents: 0, agentsWithShrinkage: 0 });
  });

  it("plans a local day of the tenant's zone from the same wall-clock intervals across the spring change", () => {
    const history = [
      // 09:00 in Berlin on Sunday 23 March (CET, 08:00 UTC) and on Sunday 30 March (CEST, 07:00 UTC).
      seen(utc('2025-03-23T08:00:00'), 40, 170),
      seen(utc('2025-03-30T07:00:00'), 60, 190),
      // 08:00 CET on the 23rd is 07:00 UTC like 09:00 CEST: a UTC plan would have mixed it in.
      seen(utc('2025-03-23T07:00:00'), 500),
      // 02:15 CET on the 23rd; the 30th has no 02:00-03:00 at all.
      seen(utc('2025-03-23T01:15:00'), 8),
    ];

    const sut = staffingPlan(history, { date: '2025-04-06', timeZone: BERLIN, weeks: 2, ...targets });

    // Sunday 6 April (CEST): 00:00 local is 22:00 UTC on the 5th, 96 intervals.
    expect(sut).toHaveLength(96);
    expect(sut[0].intervalStartMs).toBe(utc('2025-04-05T22:00:00'));
    // 09:00 CEST (07:00 UTC): (40 + 60) / 2 = 50 contacts, AHT (6,800 + 11,400) s / 100 = 182 s.
    const [nine] = at(sut, utc('2025-04-06T07:00:00'));
    expect(nine.forecastContacts).toBe(50);
    expect(nine.forecastAhtSeconds).toBeCloseTo(182, 9);
    // 08:00 CEST (06:00 UTC) is 08:00 CET of the 23rd: the 500 contacts over two weeks.
    expect(at(sut, utc('2025-04-06T06:00:00'))[0].forecastContacts).toBe(250);
    // 02:15 CEST: only the 23rd had that interval, so the mean is over that one week.
    expect(at(sut, utc('2025-04-06T00:15:00'))[0].forecastContacts).toBe(8);
  });

  it('plans 92 intervals on the spring day and 100 on the autumn day, both autumn 02:00 hours from 02:00 of the week before', () => {
    const spring = staffingPlan([], { date: '2025-03-30', timeZone: BERLIN, weeks: 1, ...targets });
    expect(spring).toHaveLength(92);
    expect(spring.some(({ intervalStartMs }) => intervalStartMs === utc('2025-03-30T01:00:00'))).toBe(true);

    // 02:15 CEST on Sunday 19 October is 00:15 UTC: 12 contacts.
    const autumn = staffingPlan([seen(utc('2025-10-19T00:15:00'), 12)], { date: '2025-10-26', timeZone: BERLIN, weeks: 1, ...targets });
    expect(autumn).toHaveLength(100);
    expect(autumn[0].intervalStartMs).toBe(utc('2025-10-25T22:00:00'));
    // 02:15 happens twice on the 26th: 00:15 UTC (CEST) and 01:15 UTC (CET).
    expect(at(autumn, utc('2025-10-26T00:15:00'))[0].forecastContacts).toBe(12);
    expect(at(autumn, utc('2025-10-26T01:15:00'))[0].forecastContacts).toBe(12);
    expect(autumn.filter((interval) => interval.forecastContacts > 0)).toHaveLength(2);
  });

  it('counts the repeated autumn hour of a past week as the mean of its two occurrences', () => {
    // 02:15 CEST (00:15 UTC) and 02:15 CET (01:15 UTC) on Sunday 26 October: 4 and 2 contacts.
    const history = [seen(utc('2025-10-26T00:15:00'), 4, 100), seen(utc('2025-10-26T01:15:00'), 2, 200)];

    const sut = staffingPlan(history, { date: '2025-11-02', timeZone: BERLIN, weeks: 1, ...targets });

    // 02:15 CET on 2 November (01:15 UTC): (4 + 2) / 2 = 3 contacts; AHT (400 + 400) s / 6.
    const [quarterPastTwo] = at(sut, utc('2025-11-02T01:15:00'));
    expect(quarterPastTwo.forecastContacts).toBe(3);
    expect(quarterPastTwo.forecastAhtSeconds).toBeCloseTo(800 / 6, 9);
    expect(sut).toHaveLength(96);
  });

  it('reads the local days it needs and refuses a bad number of weeks, date or zone', () => {
    expect(historyRange({ date: '2025-01-20', timeZone: 'UTC', weeks: 2 })).toEqual({ fromMs: MONDAY - 2 * WEEK, toMs: MONDAY - WEEK + DAY });
    // Berlin: from 00:00 CET on 23 March to 24:00 CEST on 30 March.
    expect(historyRange({ date: '2025-04-06', timeZone: BERLIN, weeks: 2 })).toEqual({ fromMs: utc('2025-03-22T23:00:00'), toMs: utc('2025-03-30T22:00:00') });
    expect(() => staffingPlan([], { date: '2025-01-20', timeZone: 'UTC', weeks: 0, ...targets })).toThrow(StaffingInputError);
    expect(() => staffingPlan([], { date: '2025-02-30', timeZone: 'UTC', weeks: 1, ...targets })).toThrow(StaffingInputError);
    expect(() => staffingPlan([], { date: '2025-01-20', timeZone: 'Europe/Atlantis', weeks: 1, ...targets })).toThrow(StaffingInputError);
  });
});
