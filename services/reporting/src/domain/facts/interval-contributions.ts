import type { AgentTimeFacts, ContactChannel, ContactFacts } from '../kpi/contact-facts';
import { classifyFirstContactResolution } from '../kpi/first-contact-resolution.classifier';
import type { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';
import type { KpiSettings } from '../kpi/kpi-settings';
import { type AggregateCounter, type AggregateCounters, addCounters, addCountersInto, countersOf, isZero, zeroCounters } from './aggregate-counters';
import { holdWithin } from './call-hold';
import type { InteractionRecord, QueueVisitRecord } from './interaction-record';
import { intervalStart, splitByInterval } from './interval-bucket';
import type { AgentActivity } from './reporting-fact';

const ZERO_COUNTERS = zeroCounters();

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
  const entries = queueEntries(record);
  const empty = accumulator.empty();

  for (let index = 0; index < entries.length; index += 1) {
    const { queueId, visit, enqueuedAt } = entries[index];
    const facts: ContactFacts = {
      contactId: record.interactionId,
      tenantId,
      queueId,
      channel,
      customerId: '',
      enqueuedAt,
      answeredAt: visit.answeredAt,
      // An answered visit that a later abandon event also names was answered: the answer decides.
      abandonedAt: visit.answeredAt === undefined ? visit.abandonedAt : undefined,
      talkMs: 0,
      holdMs: 0,
      acwMs: 0,
      transferred: false,
      firstCustomerMessageAt: index === 0 ? record.firstCustomerMessageAt : undefined,
      firstAgentReplyAt: index === 0 ? record.firstAgentReplyAt : undefined,
    };
    const key = { intervalStart: intervalStart(enqueuedAt), queueId, channel, agentId: visit.answeredAt !== undefined ? visit.agentId ?? '' : '' };
    contributions.push({ key, counters: countersOf(accumulator.addOffered(empty, facts), channel) });
  }

  const endings = completedHandlings(record, entries);
  const last = lastEnding(endings);
  for (const ending of endings) {
    const { agentId, queueId, answeredAt, completedAt, handledEnd, holdMs, transferred } = ending;
    const facts: ContactFacts = {
      contactId: record.interactionId,
      tenantId,
      queueId,
      channel,
      customerId: '',
      enqueuedAt: answeredAt,
      answeredAt,
      handledEnd,
      // Talk is the time with the agent that was not hold.
      talkMs: Math.max(0, completedAt - answeredAt - holdMs),
      holdMs,
      acwMs: handledEnd - completedAt,
      transferred,
    };
    let sums = accumulator.addHandled(empty, facts);
    if (ending === last && record.surveys) {
      for (const surveyId of Object.keys(record.surveys).sort()) sums = accumulator.addSurvey(sums, record.surveys[surveyId]);
    }
    contributions.push({ key: { intervalStart: intervalStart(handledEnd), queueId, channel, agentId }, counters: countersOf(sums, channel) });
  }
  return contributions;
}

/** One agent's finished handling of an interaction, as reporting attributes it. */
export interface CompletedHandling {
  readonly agentId: string;
  readonly queueId: string;
  readonly answeredAt: number;
  readonly completedAt: number;
  /** End of after-contact work when known, else the end of talk: where the handling counts. */
  readonly handledEnd: number;
  readonly holdMs: number;
  readonly transferred: boolean;
}

type QueueEntry = { readonly queueId: string; readonly enqueuedAt: number };

/** Queue visits of a record with a known entry time, in entry order. */
export function queueEntries(record: InteractionRecord): (QueueEntry & { readonly visit: QueueVisitRecord })[] {
  return Object.entries(record.visits)
    .map(([queueId, visit]) => ({ queueId, visit, enqueuedAt: visit.queuedAt ?? entryFromWait(visit) }))
    .filter((entry): entry is typeof entry & { enqueuedAt: number } => entry.enqueuedAt !== undefined)
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.queueId.localeCompare(b.queueId));
}

/** Handlings with an answer and a completion, in agent id order. */
export function completedHandlings(record: InteractionRecord, entries: readonly QueueEntry[] = queueEntries(record)): CompletedHandling[] {
  const endings: CompletedHandling[] = [];
  for (const agentId of Object.keys(record.handlings).sort()) {
    const { queueId, answeredAt, completedAt, wrappedUpAt, holdMs: statedHoldMs, transferredAt } = record.handlings[agentId];
    if (queueId === undefined || answeredAt === undefined || completedAt === undefined) continue;
    // The completion's hold_ms overrides; else the gateway's hold periods within this agent's talk.
    const holdMs = statedHoldMs ?? holdWithin(record.calls, answeredAt, completedAt);
    endings.push({
      agentId,
      queueId,
      answeredAt,
      completedAt,
      handledEnd: wrappedUpAt !== undefined && wrappedUpAt > completedAt ? wrappedUpAt : completedAt,
      holdMs,
      // The agent transferred it, or it went on to another queue after this agent had it.
      transferred: transferredAt !== undefined || entries.some((entry) => entry.enqueuedAt > answeredAt),
    });
  }
  return endings;
}

/** The handling that ended the contact (the latest end); surveys of the contact count there. */
function lastEnding(endings: readonly CompletedHandling[]): CompletedHandling | undefined {
  let last: CompletedHandling | undefined;
  for (const ending of endings) if (!last || ending.handledEnd > last.handledEnd) last = ending;
  return last;
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
  // Each row's counters are its own copy, summed in place (a batch merges hundreds of contributions).
  private readonly rows = new Map<string, { readonly key: AggregateKey; readonly counters: Record<AggregateCounter, number> }>();

  add(contributions: readonly Contribution[], sign: 1 | -1 = 1): void {
    for (const { key, counters } of contributions) {
      const id = aggregateKeyId(key);
      const current = this.rows.get(id);
      if (current) addCountersInto(current.counters, counters, sign);
      else this.rows.set(id, { key, counters: sign === 1 ? { ...counters } : (addCounters(ZERO_COUNTERS, counters, sign) as Record<AggregateCounter, number>) });
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

/**
 * First contact resolution of one customer's interactions (all of them: a return can repeat any
 * earlier contact within the window). Each contact that ended in a queue counts as resolved or
 * repeated where its handling ended. Without a clock, a contact whose window is still open counts
 * as resolved until a return arrives, which retracts it: the FCR of the last window is provisional.
 */
export function customerFcrContributions(
  records: readonly InteractionRecord[],
  accumulator: IntervalKpiAccumulator,
  settings: KpiSettings,
  tenantId: string,
): Contribution[] {
  const keys = new Map<ContactFacts, AggregateKey>();
  const contacts: ContactFacts[] = [];
  for (const record of records) {
    const { channel, customerId } = record;
    if (!channel || !customerId) continue;
    const entries = queueEntries(record);
    const endings = completedHandlings(record, entries);
    for (const { queueId, visit, enqueuedAt } of entries) {
      const ending = endings.find((e) => e.queueId === queueId && e.agentId === visit.agentId && visit.answeredAt !== undefined);
      const contact: ContactFacts = {
        contactId: record.interactionId,
        tenantId,
        queueId,
        channel,
        customerId,
        caseId: record.caseId || undefined,
        enqueuedAt,
        answeredAt: visit.answeredAt,
        abandonedAt: visit.answeredAt === undefined ? visit.abandonedAt : undefined,
        handledEnd: ending?.handledEnd,
        talkMs: 0,
        holdMs: 0,
        acwMs: 0,
        transferred: ending?.transferred ?? false,
      };
      contacts.push(contact);
      if (ending) keys.set(contact, { intervalStart: intervalStart(ending.handledEnd), queueId, channel, agentId: ending.agentId });
    }
  }
  return classifyFirstContactResolution(contacts, Number.POSITIVE_INFINITY, settings).flatMap(({ contact, outcome }) => {
    const key = keys.get(contact);
    if (!key || outcome === 'pending') return [];
    return [{ key, counters: countersOf(accumulator.addFcrOutcome(accumulator.empty(), outcome), key.channel || undefined) }];
  });
}
