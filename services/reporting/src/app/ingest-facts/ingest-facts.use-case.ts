import type { EntityManager } from 'typeorm';
import { compareStateChanges, timelineSpans } from '../../domain/facts/agent-timeline';
import { applyInteractionFact, emptyInteractionRecord, type InteractionRecord } from '../../domain/facts/interaction-record';
import { AggregateDeltas, agentSpanContributions, interactionContributions } from '../../domain/facts/interval-contributions';
import type { AgentStateFact, InteractionFact, ReportingFact } from '../../domain/facts/reporting-fact';
import type { IntervalKpiAccumulator } from '../../domain/kpi/interval-kpis.accumulator';
import { AgentTimelineRepository } from '../../persistence/agent-timeline.repository';
import { lockFactSubjects } from '../../persistence/fact-locks';
import { InteractionFactsRepository } from '../../persistence/interaction-facts.repository';
import { IntervalAggregateRepository } from '../../persistence/interval-aggregate.repository';

/**
 * Folds one tenant's new facts into the interval aggregates inside the caller's transaction.
 * Each touched interaction (or agent timeline stretch) has its old contribution retracted and its
 * new one added, so the aggregates always equal the contributions of the facts seen so far,
 * whatever order they came in.
 */
export class IngestFactsUseCase {
  private readonly interactions = new InteractionFactsRepository();
  private readonly timeline = new AgentTimelineRepository();
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(private readonly accumulator: IntervalKpiAccumulator) {}

  async execute(manager: EntityManager, tenantId: string, facts: readonly ReportingFact[]): Promise<void> {
    const deltas = new AggregateDeltas();
    const interactionFacts = facts.filter((fact): fact is InteractionFact => fact.kind !== 'agent-state');
    const stateChanges = facts.filter((fact): fact is AgentStateFact => fact.kind === 'agent-state');
    await this.foldInteractions(manager, tenantId, interactionFacts, deltas);
    await this.foldStateChanges(manager, tenantId, stateChanges, deltas);
    await this.aggregates.addDeltas(manager, tenantId, deltas.toList());
  }

  private async foldInteractions(manager: EntityManager, tenantId: string, facts: readonly InteractionFact[], deltas: AggregateDeltas): Promise<void> {
    if (facts.length === 0) return;
    const ids = [...new Set(facts.map((fact) => fact.interactionId))];
    await lockFactSubjects(manager, tenantId, 'interaction', ids);
    const stored = await this.interactions.load(manager, tenantId, ids);
    const updated = new Map<string, InteractionRecord>();
    for (const fact of facts) {
      const record = updated.get(fact.interactionId) ?? stored.get(fact.interactionId) ?? emptyInteractionRecord(fact.interactionId);
      updated.set(fact.interactionId, applyInteractionFact(record, fact));
    }
    for (const [id, record] of updated) {
      const before = stored.get(id);
      if (before) deltas.add(interactionContributions(before, this.accumulator, tenantId), -1);
      deltas.add(interactionContributions(record, this.accumulator, tenantId));
    }
    await this.interactions.save(manager, tenantId, [...updated.values()]);
  }

  private async foldStateChanges(manager: EntityManager, tenantId: string, changes: readonly AgentStateFact[], deltas: AggregateDeltas): Promise<void> {
    if (changes.length === 0) return;
    const byAgent = new Map<string, AgentStateFact[]>();
    for (const change of changes) byAgent.set(change.agentId, [...(byAgent.get(change.agentId) ?? []), change]);
    await lockFactSubjects(manager, tenantId, 'agent', [...byAgent.keys()]);
    for (const [agentId, fresh] of byAgent) {
      const sorted = [...fresh].sort(compareStateChanges);
      const around = await this.timeline.loadAround(manager, tenantId, agentId, sorted[0].at, sorted[sorted.length - 1].at);
      const known = new Set(around.map((change) => change.eventId));
      const merged = [...around, ...sorted.filter((change) => !known.has(change.eventId))];
      for (const span of timelineSpans(around)) deltas.add(agentSpanContributions(span, this.accumulator, tenantId), -1);
      for (const span of timelineSpans(merged)) deltas.add(agentSpanContributions(span, this.accumulator, tenantId));
    }
    await this.timeline.insert(manager, tenantId, changes);
  }
}
