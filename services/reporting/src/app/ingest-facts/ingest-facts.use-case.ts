import type { EntityManager } from 'typeorm';
import { compareStateChanges, timelineSpans } from '../../domain/facts/agent-timeline';
import { applyInteractionFact, emptyInteractionRecord, type InteractionRecord } from '../../domain/facts/interaction-record';
import { AggregateDeltas, agentSpanContributions, customerFcrContributions, interactionContributions, queueEntries } from '../../domain/facts/interval-contributions';
import type { AgentStateFact, InteractionFact, ReportingFact } from '../../domain/facts/reporting-fact';
import { restoreContributions, storeContributions, type StoredContribution } from '../../domain/facts/stored-contributions';
import type { IntervalKpiAccumulator } from '../../domain/kpi/interval-kpis.accumulator';
import type { KpiSettings } from '../../domain/kpi/kpi-settings';
import { AgentTimelineRepository } from '../../persistence/agent-timeline.repository';
import { CustomerFcrRepository } from '../../persistence/customer-fcr.repository';
import { type FactSubject, lockFactSubjects, lockForAggregateWrite } from '../../persistence/fact-locks';
import { InteractionFactsRepository, type InteractionToSave } from '../../persistence/interaction-facts.repository';
import { IntervalAggregateRepository } from '../../persistence/interval-aggregate.repository';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';

/** What a batch changed, for the real-time views fed by the same facts. */
export interface IngestedBatch {
  readonly tenantId: string;
  readonly facts: readonly ReportingFact[];
}

/**
 * Folds one tenant's new facts into the interval aggregates inside the caller's transaction.
 * Each touched interaction has the contribution it last made retracted (as stored beside it) and
 * its new one added, and likewise the FCR outcomes of each touched customer and the spans of each
 * touched agent timeline stretch. The aggregates therefore always equal the contributions of the
 * facts seen so far, whatever order they came in, and a change of the tenant's KPI settings
 * applies to the contacts touched from then on without corrupting what was counted before.
 */
export class IngestFactsUseCase {
  private readonly interactions = new InteractionFactsRepository();
  private readonly customers = new CustomerFcrRepository();
  private readonly timeline = new AgentTimelineRepository();
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(private readonly settings: TenantKpiSettings) {}

  /** `subjectsLocked`: the caller already holds the locks of the facts' interactions and agents and the roll-up zone lock. */
  async execute(manager: EntityManager, tenantId: string, facts: readonly ReportingFact[], { subjectsLocked = false } = {}): Promise<IngestedBatch> {
    if (!subjectsLocked) await lockForAggregateWrite(manager, tenantId, factSubjects(facts));
    const deltas = new AggregateDeltas();
    const interactionFacts = facts.filter((fact): fact is InteractionFact => fact.kind !== 'agent-state');
    const stateChanges = facts.filter((fact): fact is AgentStateFact => fact.kind === 'agent-state');
    let records: InteractionToSave[] = [];
    if (interactionFacts.length > 0) {
      const settings = await this.settings.settingsFor(manager, tenantId);
      records = await this.foldInteractions(manager, tenantId, interactionFacts, settings, this.settings.accumulatorFor(settings), deltas);
    }
    await this.foldStateChanges(manager, tenantId, stateChanges, deltas);
    // The records ride along with the aggregate upsert: one round trip fewer per batch.
    await this.aggregates.addDeltas(manager, tenantId, deltas.toList(), records.length > 0 ? this.interactions.saveStatement(records) : undefined);
    return { tenantId, facts };
  }

  private async foldInteractions(
    manager: EntityManager,
    tenantId: string,
    facts: readonly InteractionFact[],
    settings: KpiSettings,
    accumulator: IntervalKpiAccumulator,
    deltas: AggregateDeltas,
  ): Promise<InteractionToSave[]> {
    const ids = [...new Set(facts.map((fact) => fact.interactionId))];
    const stored = await this.interactions.load(manager, tenantId, ids);
    const updated = new Map<string, InteractionRecord>();
    for (const fact of facts) {
      const record = updated.get(fact.interactionId) ?? stored.get(fact.interactionId)?.record ?? emptyInteractionRecord(fact.interactionId);
      updated.set(fact.interactionId, applyInteractionFact(record, fact));
    }
    const toSave: InteractionToSave[] = [];
    for (const [id, record] of updated) {
      const before = stored.get(id);
      if (before) deltas.add(restoreContributions(before.contributions), -1);
      const contributions = interactionContributions(record, accumulator, tenantId);
      deltas.add(contributions);
      toSave.push({ record, contributions: storeContributions(contributions), enteredAt: entryOf(record) });
    }
    const customerIds = new Set<string>();
    for (const [id, record] of updated) {
      if (record.customerId) customerIds.add(record.customerId);
      const previous = stored.get(id)?.record.customerId;
      if (previous) customerIds.add(previous);
    }
    await this.foldCustomers(manager, tenantId, [...customerIds], updated, settings, accumulator, deltas);
    return toSave;
  }

  /** Recounts FCR over every contact of each touched customer (a return changes earlier outcomes). */
  private async foldCustomers(
    manager: EntityManager,
    tenantId: string,
    customerIds: readonly string[],
    updated: ReadonlyMap<string, InteractionRecord>,
    settings: KpiSettings,
    accumulator: IntervalKpiAccumulator,
    deltas: AggregateDeltas,
  ): Promise<void> {
    if (customerIds.length === 0) return;
    await lockFactSubjects(manager, tenantId, 'customer', customerIds);
    const previous = await this.customers.load(manager, tenantId, customerIds);
    const byCustomer = new Map<string, InteractionRecord[]>(customerIds.map((id) => [id, []]));
    const storedRecords = await this.interactions.loadByCustomers(manager, tenantId, customerIds);
    for (const record of [...storedRecords.filter((r) => !updated.has(r.interactionId)), ...updated.values()]) {
      if (record.customerId) byCustomer.get(record.customerId)?.push(record);
    }
    const next = new Map<string, StoredContribution[]>();
    for (const [customerId, records] of byCustomer) {
      deltas.add(restoreContributions(previous.get(customerId) ?? []), -1);
      const contributions = customerFcrContributions(records, accumulator, settings, tenantId);
      deltas.add(contributions);
      next.set(customerId, storeContributions(contributions));
    }
    await this.customers.save(manager, tenantId, next);
  }

  private async foldStateChanges(manager: EntityManager, tenantId: string, changes: readonly AgentStateFact[], deltas: AggregateDeltas): Promise<void> {
    if (changes.length === 0) return;
    const accumulator = this.settings.accumulatorFor(this.settings.defaults);
    const byAgent = new Map<string, AgentStateFact[]>();
    for (const change of changes) byAgent.set(change.agentId, [...(byAgent.get(change.agentId) ?? []), change]);
    for (const [agentId, fresh] of byAgent) {
      const sorted = [...fresh].sort(compareStateChanges);
      const around = await this.timeline.loadAround(manager, tenantId, agentId, sorted[0].at, sorted[sorted.length - 1].at);
      const known = new Set(around.map((change) => change.eventId));
      const merged = [...around, ...sorted.filter((change) => !known.has(change.eventId))];
      for (const span of timelineSpans(around)) deltas.add(agentSpanContributions(span, accumulator, tenantId), -1);
      for (const span of timelineSpans(merged)) deltas.add(agentSpanContributions(span, accumulator, tenantId));
    }
    await this.timeline.insert(manager, tenantId, changes);
  }
}

/** The interactions and agents the facts touch (customers are known only once records are loaded). */
export function factSubjects(facts: readonly ReportingFact[]): FactSubject[] {
  return facts.map((fact): FactSubject => (fact.kind === 'agent-state' ? { kind: 'agent', id: fact.agentId } : { kind: 'interaction', id: fact.interactionId }));
}

/** The interaction's first queue entry, where the detail export places it. */
function entryOf(record: InteractionRecord): number | undefined {
  return queueEntries(record)[0]?.enqueuedAt;
}
