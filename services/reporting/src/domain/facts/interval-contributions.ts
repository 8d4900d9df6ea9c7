import type { AgentTimeFacts, ContactChannel, ContactFacts } from '../kpi/contact-facts';
import type { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';
import { type AggregateCounters, addCounters, countersOf, isZero, zeroCounters } from './aggregate-counters';
import type { InteractionRecord } from './interaction-record';
import { intervalStart, splitByInterval } from './interval-bucket';
import type { AgentActivity } from './reporting-fact';

/** One aggregate row's identity within a tenant. Agent time has no queue and no channel (''). */
export interface AggregateKey {
  readonly intervalStart: number;
  readonly queueId: string;
  readonly channel: ContactChannel | '';
  /** '' for contacts no agent answered. */
  readonly agentId: string;
}

export interface Contribution {
  readonly key: AggregateKey;
  readonly counters: AggregateCounters;
}

export const aggregateKeyId = (k: AggregateKey) => `${k.intervalStart}|${k.queueId}|${k.channel}|${k.agentId}`;

/**
 * What one interaction adds to the interval aggregates. A visit is offered in the interval it
 * entered the queue (SL, ASA, abandonment and, on its first visit, first response go there); a
 * handling counts in the interval it ended. Visits count once the channel is known.
 */
export function interactionContributions(record: InteractionRecord, accumulator: IntervalKpiAccumulator, tenantId: string): Contribution[] {
  const { channel } = record;
  if (!channel) return [];
  const contributions: Contribution[] = [];
  const entries = Object.entries(record.visits)
    .map(([queueId, visit]) => ({ queueId, visit, enqueuedAt: visit.queuedAt ?? entryFromWait(visit) }))
    .filter((entry): entry is typeof entry & { enqueuedAt: number } => entry.enqueuedAt !== undefined)
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.queueId.localeCompare(b.queueId));
  const base = { contactId: record.interactionId, tenantId, channel, customerId: '', talkMs: 0, holdMs: 0, acwMs: 0, transferred: false };

  entries.forEach(({ queueId, visit, enqueuedAt }, index) => {
    const facts: ContactFacts = {
      ...base,
      queueId,
      enqueuedAt,
      answeredAt: visit.answeredAt,
      // An answered visit that a later abandon event also names was answered: the answer decides.
      abandonedAt: visit.answeredAt === undefined ? visit.abandonedAt : undefined,
      ...(index === 0 ? { firstCustomerMessageAt: record.firstCustomerMessageAt, firstAgentReplyAt: record.firstAgentReplyAt } : {}),
    };
    const sums = accumulator.addOffered(accumulator.empty(), facts);
    const key = { intervalStart: intervalStart(enqueuedAt), queueId, channel, agentId: visit.answeredAt !== undefined ? visit.agentId ?? '' : '' };
    contributions.push({ key, counters: countersOf(sums, channel) });
  });

  for (const [agentId, handling] of Object.entries(record.handlings)) {
    const { queueId, answeredAt, completedAt } = handling;
    if (queueId === undefined || answeredAt === undefined || completedAt === undefined) continue;
    const facts: ContactFacts = {
      ...base,
      queueId,
      enqueuedAt: answeredAt,
      answeredAt,
      handledEnd: completedAt,
      talkMs: completedAt - answeredAt,
      // The contact went on to another queue after this agent had it.
      transferred: entries.some((entry) => entry.enqueuedAt > answeredAt),
    };
    const sums = accumulator.addHandled(accumulator.empty(), facts);
    contributions.push({ key: { intervalStart: intervalStart(completedAt), queueId, channel, agentId }, counters: countersOf(sums, channel) });
  }
  return contributions;
}

function entryFromWait(visit: { answeredAt?: number; abandonedAt?: number; queueTimeMs?: number }): number | undefined {
  const leftAt = visit.answeredAt ?? visit.abandonedAt;
  return leftAt === undefined || visit.queueTimeMs === undefined ? undefined : leftAt - visit.queueTimeMs;
}

/** One closed span of an agent's timeline: the activity held from `from` until the next change. */
export interface AgentSpan {
  readonly agentId: string;
  readonly activity: AgentActivity;
  readonly from: number;
  readonly to: number;
}

/** Agent time split into the intervals it covers: contact and after-contact work is handling. */
export function agentSpanContributions(span: AgentSpan, accumulator: IntervalKpiAccumulator, tenantId: string): Contribution[] {
  const handling = span.activity === 'on-contact' || span.activity === 'after-contact-work';
  if (!handling && span.activity !== 'available') return [];
  return splitByInterval(span.from, span.to).map(({ intervalStart: start, ms }) => {
    const facts: AgentTimeFacts = { tenantId, agentId: span.agentId, handlingMs: handling ? ms : 0, availableMs: handling ? 0 : ms, scheduledMs: 0 };
    const sums = accumulator.addAgentTime(accumulator.empty(), facts);
    return { key: { intervalStart: start, queueId: '', channel: '', agentId: span.agentId }, counters: countersOf(sums, undefined) };
  });
}

/** Sums contributions per aggregate row: added ones minus retracted ones, zero rows dropped. */
export class AggregateDeltas {
  private readonly rows = new Map<string, Contribution>();

  add(contributions: readonly Contribution[], sign: 1 | -1 = 1): void {
    for (const { key, counters } of contributions) {
      const id = aggregateKeyId(key);
      const current = this.rows.get(id);
      this.rows.set(id, { key, counters: current ? addCounters(current.counters, counters, sign) : addCounters(zeroCounters(), counters, sign) });
    }
  }

  /** Non-zero deltas in key order, so concurrent writers lock rows in the same order. */
  toList(): Contribution[] {
    return [...this.rows.entries()]
      .filter(([, row]) => !isZero(row.counters))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }
}
