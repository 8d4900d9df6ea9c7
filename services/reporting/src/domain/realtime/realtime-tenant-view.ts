import { type AggregateCounters, addCounters, sumsOf, zeroCounters } from '../facts/aggregate-counters';
import { compareStateChanges } from '../facts/agent-timeline';
import { applyInteractionFact, emptyInteractionRecord, type InteractionRecord, mergeInteractionRecords } from '../facts/interaction-record';
import { type Contribution, interactionContributions, queueEntries } from '../facts/interval-contributions';
import type { AgentActivity, AgentStateFact, InteractionFact } from '../facts/reporting-fact';
import type { ContactChannel } from '../kpi/contact-facts';
import type { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';

export const DAY_MS = 86_400_000;

/** Start of the UTC day holding `at`; "today" in the real-time views. */
export const dayStartOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

/** One queue now (Amazon Connect's real-time names in the comments), and today so far. */
export interface QueueSnapshot {
  readonly queueId: string;
  /** CONTACTS_IN_QUEUE */
  readonly contactsInQueue: number;
  /** OLDEST_CONTACT_AGE, 0 with nobody waiting. */
  readonly oldestContactAgeMs: number;
  /** AGENTS_STAFFED: logged-in agents who took this queue's contacts today. */
  readonly agentsStaffed: number;
  /** AGENTS_AVAILABLE */
  readonly agentsAvailable: number;
  /** AGENTS_ON_CONTACT */
  readonly agentsOnContact: number;
  /** AGENTS_AFTER_CONTACT_WORK */
  readonly agentsAfterContactWork: number;
  /** AGENTS_NON_PRODUCTIVE, split by routing's reason code. */
  readonly agentsAway: number;
  readonly agentsAwayByReason: readonly { readonly reason: string; readonly agents: number }[];
  /** The same counters the interval aggregates hold, summed over today's intervals. */
  readonly today: AggregateCounters;
  /** Offered as the tenant counts it (short abandons out unless configured otherwise). */
  readonly offered: number;
  readonly serviceLevel: number | null;
  readonly asaMs: number | null;
}

export interface AgentSnapshot {
  readonly agentId: string;
  readonly activity: AgentActivity;
  readonly reason: string;
  readonly timeInStateMs: number;
  readonly contactsByChannel: Readonly<Partial<Record<ContactChannel, number>>>;
  /** Handling / (handling + available) since the start of the day, the open state up to now included. */
  readonly occupancy: number | null;
}

interface AgentLive {
  /** The last change before today (if any) and today's changes, in timeline order. */
  readonly changes: AgentStateFact[];
  readonly eventIds: Set<string>;
  readonly contacts: Map<string, ContactChannel>;
}

/**
 * The real-time state of one tenant for one local day of its time zone, fed by the same facts as the aggregates
 * and counted by the same contribution code, so today's figures equal the sum of today's interval
 * aggregates. Applying a fact twice, or facts in another order, gives the same view.
 */
export class RealtimeTenantView {
  private readonly records = new Map<string, InteractionRecord>();
  private readonly contributions = new Map<string, Contribution[]>();
  private readonly todayByQueue = new Map<string, AggregateCounters>();
  /** queue → interaction → entry time, for contacts waiting now. */
  private readonly waiting = new Map<string, Map<string, number>>();
  private readonly agents = new Map<string, AgentLive>();
  /** agent → queues whose contacts it took today. */
  private readonly agentQueues = new Map<string, Set<string>>();
  private changeCount = 0;

  constructor(
    readonly tenantId: string,
    readonly dayStartMs: number,
    /** End of the tenant's local day: 24 h after its start, 23 or 25 h on a daylight-saving change. */
    readonly dayEndMs: number,
    private readonly accumulator: IntervalKpiAccumulator,
  ) {}

  /** Grows with every change; equal versions mean equal snapshots (but for ages). */
  get version(): number {
    return this.changeCount;
  }

  /** A stored record (possibly older or newer than what the view has): merged, never replacing facts. */
  applyRecord(record: InteractionRecord): void {
    const known = this.records.get(record.interactionId);
    this.replace(record.interactionId, known ? mergeInteractionRecords(known, record) : record);
  }

  apply(fact: InteractionFact | AgentStateFact): void {
    if (fact.kind === 'agent-state') return this.applyStateChange(fact);
    const record = this.records.get(fact.interactionId) ?? emptyInteractionRecord(fact.interactionId);
    this.replace(fact.interactionId, applyInteractionFact(record, fact));
  }

  queueSnapshots(nowMs: number, queueIds: readonly string[] = []): QueueSnapshot[] {
    const ids = queueIds.length > 0 ? [...new Set(queueIds)] : [...new Set([...this.todayByQueue.keys(), ...this.waiting.keys()])];
    return ids.sort().map((queueId) => this.queueSnapshot(queueId, nowMs));
  }

  agentSnapshots(nowMs: number, agentIds: readonly string[] = []): AgentSnapshot[] {
    const ids = agentIds.length > 0 ? [...new Set(agentIds)] : [...this.agents.keys()];
    return ids.sort().map((agentId) => this.agentSnapshot(agentId, nowMs));
  }

  private replace(id: string, record: InteractionRecord): void {
    const dayEnd = this.dayEndMs;
    for (const { key, counters } of this.contributions.get(id) ?? []) this.addToQueue(key.queueId, counters, -1);
    const today = interactionContributions(record, this.accumulator, this.tenantId).filter(
      ({ key }) => key.intervalStart >= this.dayStartMs && key.intervalStart < dayEnd,
    );
    for (const { key, counters } of today) this.addToQueue(key.queueId, counters, 1);
    this.contributions.set(id, today);

    const previous = this.records.get(id);
    if (previous) this.forgetLive(previous);
    this.records.set(id, record);
    this.noteLive(record);
    this.changeCount++;
  }

  private addToQueue(queueId: string, counters: AggregateCounters, sign: 1 | -1): void {
    this.todayByQueue.set(queueId, addCounters(this.todayByQueue.get(queueId) ?? zeroCounters(), counters, sign));
  }

  private noteLive(record: InteractionRecord): void {
    for (const { queueId, visit } of queueEntries(record)) {
      if (visit.queuedAt !== undefined && visit.answeredAt === undefined && visit.abandonedAt === undefined) {
        const queue = this.waiting.get(queueId) ?? new Map<string, number>();
        queue.set(record.interactionId, visit.queuedAt);
        this.waiting.set(queueId, queue);
      }
    }
    for (const [agentId, handling] of Object.entries(record.handlings)) {
      const answeredToday = handling.answeredAt !== undefined && handling.answeredAt >= this.dayStartMs;
      if (handling.queueId !== undefined && answeredToday) {
        const queues = this.agentQueues.get(agentId) ?? new Set<string>();
        queues.add(handling.queueId);
        this.agentQueues.set(agentId, queues);
      }
      const current = handling.answeredAt !== undefined && handling.completedAt === undefined && handling.transferredAt === undefined;
      if (current && record.channel) this.agent(agentId).contacts.set(record.interactionId, record.channel);
    }
  }

  private forgetLive(record: InteractionRecord): void {
    for (const queueId of Object.keys(record.visits)) this.waiting.get(queueId)?.delete(record.interactionId);
    for (const agentId of Object.keys(record.handlings)) this.agents.get(agentId)?.contacts.delete(record.interactionId);
  }

  private applyStateChange(change: AgentStateFact): void {
    const live = this.agent(change.agentId);
    if (live.eventIds.has(change.eventId)) return;
    live.eventIds.add(change.eventId);
    live.changes.push(change);
    live.changes.sort(compareStateChanges);
    // Of the changes before today only the last matters: the state the day started in.
    const firstToday = live.changes.findIndex((c) => c.at >= this.dayStartMs);
    const keepFrom = (firstToday === -1 ? live.changes.length : firstToday) - 1;
    if (keepFrom > 0) live.changes.splice(0, keepFrom);
    this.changeCount++;
  }

  private agent(agentId: string): AgentLive {
    let live = this.agents.get(agentId);
    if (!live) {
      live = { changes: [], eventIds: new Set(), contacts: new Map() };
      this.agents.set(agentId, live);
    }
    return live;
  }

  private queueSnapshot(queueId: string, nowMs: number): QueueSnapshot {
    const today = this.todayByQueue.get(queueId) ?? zeroCounters();
    const reading = this.accumulator.read(sumsOf(this.accumulator, today, undefined));
    const waiting = [...(this.waiting.get(queueId)?.values() ?? [])];
    const staffed = [...this.agents.keys()]
      .filter((agentId) => this.agentQueues.get(agentId)?.has(queueId))
      .map((agentId) => this.current(agentId))
      .filter((state) => state.activity !== 'offline');
    const count = (activity: AgentActivity) => staffed.filter((state) => state.activity === activity).length;
    const awayReasons = new Map<string, number>();
    for (const state of staffed) if (state.activity === 'away') awayReasons.set(state.reason, (awayReasons.get(state.reason) ?? 0) + 1);
    return {
      queueId,
      contactsInQueue: waiting.length,
      oldestContactAgeMs: waiting.length === 0 ? 0 : Math.max(0, nowMs - Math.min(...waiting)),
      agentsStaffed: staffed.length,
      agentsAvailable: count('available'),
      agentsOnContact: count('on-contact'),
      agentsAfterContactWork: count('after-contact-work'),
      agentsAway: count('away'),
      agentsAwayByReason: [...awayReasons.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([reason, agents]) => ({ reason, agents })),
      today,
      offered: reading.abandonment.offered,
      serviceLevel: reading.serviceLevel.value,
      asaMs: reading.speedOfAnswer.asaOfAnsweredMs,
    };
  }

  private current(agentId: string): { activity: AgentActivity; reason: string; since: number | undefined } {
    const changes = this.agents.get(agentId)?.changes ?? [];
    const last = changes[changes.length - 1];
    return last ? { activity: last.activity, reason: last.reason, since: last.at } : { activity: 'offline', reason: '', since: undefined };
  }

  private agentSnapshot(agentId: string, nowMs: number): AgentSnapshot {
    const live = this.agents.get(agentId);
    const { activity, reason, since } = this.current(agentId);
    const contactsByChannel: Partial<Record<ContactChannel, number>> = {};
    for (const channel of live?.contacts.values() ?? []) contactsByChannel[channel] = (contactsByChannel[channel] ?? 0) + 1;
    let handlingMs = 0;
    let availableMs = 0;
    const changes = live?.changes ?? [];
    changes.forEach((change, i) => {
      const from = Math.max(change.at, this.dayStartMs);
      const to = Math.min(changes[i + 1]?.at ?? nowMs, nowMs, this.dayEndMs);
      if (to <= from) return;
      if (change.activity === 'on-contact' || change.activity === 'after-contact-work') handlingMs += to - from;
      else if (change.activity === 'available') availableMs += to - from;
    });
    return {
      agentId,
      activity,
      reason,
      timeInStateMs: since === undefined ? 0 : Math.max(0, nowMs - since),
      contactsByChannel,
      occupancy: handlingMs + availableMs === 0 ? null : handlingMs / (handlingMs + availableMs),
    };
  }
}
