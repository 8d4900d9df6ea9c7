import fc from 'fast-check';
import { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';
import { DEFAULT_KPI_SETTINGS } from '../kpi/kpi-settings';
import type { AgentStateFact, ReportingFact } from '../facts/reporting-fact';
import { localDayOf } from '../facts/local-day';
import { DAY_MS, dayStartOf, RealtimeTenantView } from './realtime-tenant-view';

const S = 1000;
const DAY = Date.UTC(2025, 0, 6);
const at = (h: number, m: number, s = 0) => DAY + h * 3_600_000 + m * 60_000 + s * S;
const accumulator = new IntervalKpiAccumulator(DEFAULT_KPI_SETTINGS);
const state = (agentId: string, activity: AgentStateFact['activity'], time: number, reason = ''): AgentStateFact => ({
  kind: 'agent-state',
  agentId,
  activity,
  reason,
  at: time,
  eventId: `${agentId}-${time}`,
});

const FACTS: ReportingFact[] = [
  // Yesterday's last change: a1 was available when the day began.
  state('a1', 'available', at(-1, 0)),
  state('a2', 'available', at(8, 0)),
  state('a3', 'available', at(8, 0)),
  // i1 answered by a1 after 10 s, completed and wrapped up.
  { kind: 'queued', interactionId: 'i1', queueId: 'billing', channel: 'voice', at: at(9, 0) },
  { kind: 'answered', interactionId: 'i1', queueId: 'billing', agentId: 'a1', at: at(9, 0, 10), queueTimeMs: 10 * S },
  state('a1', 'on-contact', at(9, 0, 10)),
  { kind: 'completed', interactionId: 'i1', agentId: 'a1', at: at(9, 5), holdMs: 0 },
  state('a1', 'after-contact-work', at(9, 5)),
  // i2 a chat a2 is on now; i3 and i4 wait; i5 was abandoned after 30 s.
  { kind: 'queued', interactionId: 'i2', queueId: 'billing', channel: 'chat', at: at(9, 1) },
  { kind: 'answered', interactionId: 'i2', queueId: 'billing', agentId: 'a2', at: at(9, 1, 40), queueTimeMs: 40 * S },
  state('a2', 'on-contact', at(9, 1, 40)),
  { kind: 'queued', interactionId: 'i3', queueId: 'billing', channel: 'voice', at: at(9, 6) },
  { kind: 'queued', interactionId: 'i4', queueId: 'billing', channel: 'voice', at: at(9, 8) },
  { kind: 'queued', interactionId: 'i5', queueId: 'billing', channel: 'voice', at: at(9, 2) },
  { kind: 'abandoned', interactionId: 'i5', queueId: 'billing', at: at(9, 2, 30), queueTimeMs: 30 * S },
  // a3 took a sales contact earlier and is away now.
  { kind: 'queued', interactionId: 'i6', queueId: 'sales', channel: 'email', at: at(8, 30) },
  { kind: 'answered', interactionId: 'i6', queueId: 'sales', agentId: 'a3', at: at(8, 31), queueTimeMs: 60 * S },
  { kind: 'completed', interactionId: 'i6', agentId: 'a3', at: at(8, 40), holdMs: 0 },
  state('a3', 'away', at(8, 40), 'lunch'),
];

const NOW = at(9, 10);

function viewOf(facts: readonly ReportingFact[]): RealtimeTenantView {
  const sut = new RealtimeTenantView('northwind', dayStartOf(NOW), dayStartOf(NOW) + DAY_MS, accumulator);
  for (const fact of facts) sut.apply(fact);
  return sut;
}

describe(RealtimeTenantView.name, () => {
  it('shows each queue now and since the start of the day, with its agents by state', () => {
    const [billing, sales] = viewOf(FACTS).queueSnapshots(NOW);

    expect(billing).toMatchObject({
      queueId: 'billing',
      contactsInQueue: 2,
      // i3 has waited since 09:06.
      oldestContactAgeMs: 4 * 60 * S,
      // a1 (ACW) and a2 (on contact) took billing contacts today.
      agentsStaffed: 2,
      agentsAvailable: 0,
      agentsOnContact: 1,
      agentsAfterContactWork: 1,
      agentsAway: 0,
      offered: 5,
      // i1 within 20 s, i2 after; i5 abandoned after 20 s → variant 2: 1 / 3; ASA (10 + 40) / 2.
      serviceLevel: 1 / 3,
      asaMs: 25 * S,
    });
    expect(billing.today).toMatchObject({ answered: 2, abandoned: 1, handled: 1 });
    expect(sales).toMatchObject({ queueId: 'sales', contactsInQueue: 0, agentsStaffed: 1, agentsAway: 1, agentsAwayByReason: [{ reason: 'lunch', agents: 1 }] });
  });

  it('shows each agent: state, time in state, contacts per channel and occupancy today', () => {
    const agents = viewOf(FACTS).agentSnapshots(NOW);

    // a1: available 00:00-09:00:10 (32,410 s), on contact 09:00:10-09:05 (290 s), ACW since 09:05 (300 s so far).
    expect(agents[0]).toEqual({ agentId: 'a1', activity: 'after-contact-work', reason: '', timeInStateMs: 300 * S, contactsByChannel: {}, occupancy: 590 / 33_000 });
    expect(agents[1]).toMatchObject({ agentId: 'a2', activity: 'on-contact', contactsByChannel: { chat: 1 } });
    expect(agents[2]).toMatchObject({ agentId: 'a3', activity: 'away', reason: 'lunch', timeInStateMs: 30 * 60 * S });
  });

  it('is the same for any order and repetition of the facts', () => {
    const expected = { queues: viewOf(FACTS).queueSnapshots(NOW), agents: viewOf(FACTS).agentSnapshots(NOW) };

    fc.assert(
      fc.property(fc.shuffledSubarray(FACTS, { minLength: FACTS.length }), fc.array(fc.constantFrom(...FACTS), { maxLength: 5 }), (order, repeats) => {
        const sut = viewOf([...order, ...repeats]);
        expect({ queues: sut.queueSnapshots(NOW), agents: sut.agentSnapshots(NOW) }).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('merges a stored record with what it already knows instead of replacing it', () => {
    const sut = viewOf(FACTS);

    // A record read back before i1 was answered must not put i1 back in the queue.
    sut.applyRecord({ interactionId: 'i1', channel: 'voice', visits: { billing: { queuedAt: at(9, 0) } }, handlings: {} });

    expect(sut.queueSnapshots(NOW)[0]).toMatchObject({ contactsInQueue: 2, offered: 5 });
    expect(sut.queueSnapshots(NOW)[0].today).toMatchObject({ answered: 2, handled: 1 });
  });

  it("counts today in the tenant's time zone, on the 23-hour day Berlin springs forward", () => {
    const { startMs, endMs } = localDayOf(Date.UTC(2025, 2, 30, 12), 'Europe/Berlin');
    const sut = new RealtimeTenantView('northwind', startMs, endMs, accumulator);
    const queued = (id: string, time: number): ReportingFact => ({ kind: 'queued', interactionId: id, queueId: 'billing', channel: 'voice', at: time });
    // 23:45 CET on the 29th (not today), 00:00 CET and 23:45 CEST on the 30th (today), 00:00 CET on the 31st (not today).
    for (const fact of [queued('before', Date.UTC(2025, 2, 29, 22, 45)), queued('first', Date.UTC(2025, 2, 29, 23)), queued('last', Date.UTC(2025, 2, 30, 21, 45)), queued('after', Date.UTC(2025, 2, 30, 22))]) {
      sut.apply(fact);
    }

    expect(sut.queueSnapshots(Date.UTC(2025, 2, 30, 21, 50))[0]).toMatchObject({ queueId: 'billing', offered: 2 });
  });
});
