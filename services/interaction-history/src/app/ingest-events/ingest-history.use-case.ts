import type { EntityManager } from 'typeorm';
import { identityLabel } from '../../domain/customer-identity';
import { applyInteractionFact, emptyInteractionRecord, type InteractionRecord } from '../../domain/interaction-record';
import { InteractionRepository } from '../../persistence/interaction.repository';
import { lockSubjects } from '../../persistence/subject-locks';
import type { ResolveIdentityUseCase } from '../resolve-identity/resolve-identity.use-case';
import type { HistoryItem } from './history-item';

/**
 * Folds one tenant's events into customers, interaction records and messages inside the
 * caller's transaction. Identities are resolved (and locked) before interactions are locked,
 * always in that order, so concurrent batches never deadlock. Records fold commutatively, so
 * late, repeated or reordered events give the same record.
 */
export class IngestHistoryUseCase {
  private readonly interactions = new InteractionRepository();

  constructor(private readonly resolveIdentity: ResolveIdentityUseCase) {}

  async execute(manager: EntityManager, tenantId: string, items: readonly HistoryItem[]): Promise<void> {
    if (items.length === 0) return;
    const sightings = items.flatMap((item) => (item.identity ? [{ identity: item.identity, at: item.at }] : []));
    const customers = await this.resolveIdentity.execute(manager, tenantId, sightings);
    const customerOf = (item: HistoryItem) => (item.identity ? customers.get(identityLabel(item.identity)) : undefined);

    const facts = items.flatMap((item) => (item.fact ? [{ ...item.fact, customerId: customerOf(item) }] : []));
    const ids = [...new Set(facts.map((fact) => fact.interactionId))];
    await lockSubjects(manager, tenantId, 'interaction', ids);
    const records = await this.interactions.loadRecords(manager, tenantId, ids);
    const updated = new Map<string, InteractionRecord>();
    for (const fact of facts) {
      const record = updated.get(fact.interactionId) ?? records.get(fact.interactionId) ?? emptyInteractionRecord(fact.interactionId);
      updated.set(fact.interactionId, applyInteractionFact(record, fact));
    }
    await this.interactions.saveRecords(manager, tenantId, [...updated.values()]);
    await this.interactions.insertMessages(
      manager,
      tenantId,
      items.flatMap((item) => (item.message ? [{ ...item.message, customerId: customerOf(item) ?? null }] : [])),
    );
  }
}
