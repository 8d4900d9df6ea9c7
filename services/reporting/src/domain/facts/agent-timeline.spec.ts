import { agentDayTimeline } from './agent-timeline';
import { localDayOf } from './local-day';
import type { AgentActivity, AgentStateFact } from './reporting-fact';

const utc = (iso: string) => Date.parse(`${iso}Z`);
const change = (agentId: string, activity: AgentActivity, iso: string, eventId = iso): AgentStateFact => ({ kind: 'agent-state', agentId, activity, reason: '', at: utc(iso), eventId });

describe(agentDayTimeline.name, () => {
  it("cuts the 25-hour autumn day of the tenant's zone, with the state it began in", () => {
    // Sunday 26 October 2025 in Berlin: 22:00 UTC on the 25th to 23:00 UTC on the 26th.
    const day = localDayOf(utc('2025-10-26T12:00:00'), 'Europe/Berlin');
    const changes = [
      change('a1', 'offline', '2025-10-26T23:30:00'),
      change('a1', 'available', '2025-10-25T21:00:00'),
      change('a1', 'on-contact', '2025-10-25T22:30:00'),
      change('a2', 'away', '2025-10-26T10:00:00'),
      change('a1', 'available', '2025-10-26T22:45:00'),
      change('a1', 'after-contact-work', '2025-10-26T22:45:00', '2025-10-26T22:44:00'),
    ];

    const sut = agentDayTimeline('a1', day, changes);

    expect(sut.dayEndMs - sut.dayStartMs).toBe(25 * 3_600_000);
    // 23:00 CEST on the 25th was before the day: available when it began.
    expect(sut.stateAtStart).toBe('available');
    // 00:30 CEST and 23:45 CET (22:45 UTC, which a UTC day would also hold); two changes in one
    // millisecond in event-id order; 00:30 CET on the 27th (23:30 UTC on the 26th) is the next day.
    expect(sut.changes.map((c) => [c.activity, c.at])).toEqual([
      ['on-contact', utc('2025-10-25T22:30:00')],
      ['after-contact-work', utc('2025-10-26T22:45:00')],
      ['available', utc('2025-10-26T22:45:00')],
    ]);
  });

  it('knows no state at the start without an earlier change', () => {
    const day = localDayOf(utc('2025-03-30T12:00:00'), 'Europe/Berlin');
    expect(agentDayTimeline('a1', day, [change('a1', 'available', '2025-03-30T06:00:00')])).toMatchObject({ stateAtStart: undefined, dayEndMs: utc('2025-03-30T22:00:00') });
  });
});
