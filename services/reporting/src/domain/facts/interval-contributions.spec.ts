import fc from 'fast-check';
import { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';
import { DEFAULT_KPI_SETTINGS } from '../kpi/kpi-settings';
import { timelineSpans } from './agent-timeline';
import { applyInteractionFact, emptyInteractionRecord, type InteractionRecord } from './interaction-record';
import { INTERVAL_MS } from './interval-bucket';
import { AggregateDeltas, agentSpanContributions, type Contribution, interactionContributions } from './interval-contributions';
import type { AgentStateFact, InteractionFact } from './reporting-fact';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const accumulator = new IntervalKpiAccumulator(DEFAULT_KPI_SETTINGS);
const TENANT = 'northwind';

const fold = (facts: readonly InteractionFact[]) => facts.reduce(applyInteractionFact, emptyInteractionRecord('i-1'));
const byKey = (contributions: readonly Contribution[]) => {
  const deltas = new AggregateDeltas();
  deltas.add(contributions);
  return deltas.toList();
};

// Queued 09:14:50 in "billing", answered 15 s later by a-1 in the next interval, talk 10 min,
// then transferred to "tech" at 09:30:05 where a-2 answers 5 s later and completes at 09:40.
const transferred: InteractionFact[] = [
  { kind: 'queued', interactionId: 'i-1', queueId: 'billing', channel: 'voice', at: T0 + 14 * MINUTE + 50 * SECOND },
  { kind: 'answered', interactionId: 'i-1', queueId: 'billing', agentId: 'a-1', at: T0 + 15 * MINUTE + 5 * SECOND, queueTimeMs: 15 * SECOND },
  { kind: 'completed', interactionId: 'i-1', agentId: 'a-1', at: T0 + 25 * MINUTE + 5 * SECOND, holdMs: 0 },
  { kind: 'queued', interactionId: 'i-1', queueId: 'tech', channel: 'voice', at: T0 + 30 * MINUTE + 5 * SECOND },
  { kind: 'answered', interactionId: 'i-1', queueId: 'tech', agentId: 'a-2', at: T0 + 30 * MINUTE + 10 * SECOND, queueTimeMs: 5 * SECOND },
  { kind: 'completed', interactionId: 'i-1', agentId: 'a-2', at: T0 + 40 * MINUTE, holdMs: 0 },
];

describe(interactionContributions.name, () => {
  it('offers a visit in the interval it entered the queue and handles it in the interval it ended', () => {
    const sut = byKey(interactionContributions(fold(transferred), accumulator, TENANT));

    const row = (start: number, queueId: string, agentId: string) =>
      sut.find((c) => c.key.intervalStart === start && c.key.queueId === queueId && c.key.agentId === agentId)?.counters;
    expect(row(T0, 'billing', 'a-1')).toMatchObject({ offered: 1, answered: 1, answeredWithinThreshold: 1, answerWaitMs: 15 * SECOND, handled: 0 });
    expect(row(T0 + INTERVAL_MS, 'billing', 'a-1')).toMatchObject({ offered: 0, handled: 1, talkMs: 10 * MINUTE, transferred: 1 });
    expect(row(T0 + 2 * INTERVAL_MS, 'tech', 'a-2')).toMatchObject({ offered: 1, answered: 1, handled: 1, talkMs: 9 * MINUTE + 50 * SECOND, transferred: 0 });
    expect(sut).toHaveLength(3);
  });

  it('places an abandon by its wait even before InteractionQueued arrives, without an agent', () => {
    const abandon: InteractionFact = { kind: 'abandoned', interactionId: 'i-1', queueId: 'billing', at: T0 + 15 * MINUTE + 30 * SECOND, queueTimeMs: 45 * SECOND };
    const channel: InteractionFact = { kind: 'channel', interactionId: 'i-1', channel: 'voice' };

    const [sut] = interactionContributions(fold([abandon, channel]), accumulator, TENANT);

    expect(sut.key).toEqual({ intervalStart: T0, queueId: 'billing', channel: 'voice', agentId: '' });
    expect(sut.counters).toMatchObject({ offered: 1, abandoned: 1, abandonedWithinThreshold: 0, shortAbandoned: 0 });
  });

  it('counts nothing until the channel is known', () => {
    const [, answeredOnly] = transferred;

    expect(interactionContributions(fold([answeredOnly]), accumulator, TENANT)).toEqual([]);
  });

  it('measures first response once, on the first visit', () => {
    const facts: InteractionFact[] = [
      { kind: 'customer-message', interactionId: 'i-1', channel: 'chat', at: T0 },
      { kind: 'queued', interactionId: 'i-1', queueId: 'sales', channel: 'chat', at: T0 + SECOND },
      { kind: 'agent-reply', interactionId: 'i-1', at: T0 + 50 * SECOND },
      { kind: 'agent-reply', interactionId: 'i-1', at: T0 + 20 * SECOND },
    ];

    const [sut] = interactionContributions(fold(facts), accumulator, TENANT);

    expect(sut.counters).toMatchObject({ firstResponses: 1, firstResponseMs: 20 * SECOND, firstResponseSlaHits: 1, firstResponseSlaMisses: 0 });
  });

  it('ends in the same aggregates for any order and repetition of the facts, retracting as it goes', () => {
    const expected = byKey(interactionContributions(fold(transferred), accumulator, TENANT));
    const facts = fc.array(fc.constantFrom(...transferred), { minLength: transferred.length, maxLength: 12 }).filter((drawn) => transferred.every((f) => drawn.includes(f)));

    fc.assert(
      fc.property(facts, (order) => {
        // What the ingest use case does per batch of one: retract the old record, add the new one.
        const sut = new AggregateDeltas();
        let record: InteractionRecord = emptyInteractionRecord('i-1');
        for (const fact of order) {
          sut.add(interactionContributions(record, accumulator, TENANT), -1);
          record = applyInteractionFact(record, fact);
          sut.add(interactionContributions(record, accumulator, TENANT));
        }
        expect(sut.toList()).toEqual(expected);
      }),
    );
  });
});

describe(agentSpanContributions.name, () => {
  const change = (minute: number, activity: AgentStateFact['activity'], eventId: string): AgentStateFact => ({
    kind: 'agent-state',
    agentId: 'a-1',
    activity,
    at: T0 + minute * MINUTE,
    reason: '',
    eventId,
  });

  it('splits agent time into intervals: contact and after-contact work are handling, away counts for nothing', () => {
    const timeline = [change(10, 'available', 'e1'), change(20, 'on-contact', 'e2'), change(28, 'after-contact-work', 'e3'), change(31, 'away', 'e4'), change(35, 'offline', 'e5')];

    const sut = byKey(timelineSpans(timeline).flatMap((span) => agentSpanContributions(span, accumulator, TENANT)));

    expect(sut.map((c) => [c.key.intervalStart, c.counters.handlingMs, c.counters.availableMs])).toEqual([
      [T0, 0, 5 * MINUTE],
      [T0 + INTERVAL_MS, 10 * MINUTE, 5 * MINUTE],
      [T0 + 2 * INTERVAL_MS, MINUTE, 0],
    ]);
    expect(sut.every((c) => c.key.queueId === '' && c.key.channel === '' && c.key.agentId === 'a-1')).toBe(true);
  });
});
