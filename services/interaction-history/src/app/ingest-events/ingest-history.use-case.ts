import type { EntityManager } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { identityLabel } from '../../domain/customer-identity';
import { applyInteractionFact, emptyInteractionRecord, holdsPersonalData, type InteractionRecord, withoutPersonalData } from '../../domain/interaction-record';
import { InteractionRepository } from '../../persistence/interaction.repository';
import { lockSubjects } from '../../persistence/subject-locks';
import type { ResolveIdentityUseCase } from '../resolve-identity/resolve-identity.use-case';
import type { HistoryItem } from './history-item';

/**
 * Folds one tenant's events into customers, interaction records and messages inside the
 * caller's transaction. Identities are resolved (and locked) before interactions are locked,
 * always in that order, so concurrent batches never deadlock. Records fold commutatively, so
 * late, repeated or reordered events give the same record. Wrap-up notes on an interaction of
 * an erased customer are dropped, so a late event cannot bring erased data back. An
 * unfiled interaction joins the open case of another interaction of its customer within the case
 * window about the same subject, reference token or queue (case-matching.policy); an interaction whose customer or case is settled (or changes) is
 * announced as InteractionCustomerLinked.
 */
export class IngestHistoryUseCase {
  private readonly interactions = new InteractionRepository();
  private readonly outbox = new OutboxWriter();

  constructor(
    private readonly resolveIdentity: ResolveIdentityUseCase,
    /** Interactions of a customer in one queue this close fall into one case. */
    private readonly caseWindowMs: number,
  ) {}

  async execute(manager: EntityManager, tenantId: string, items: readonly HistoryItem[]): Promise<void> {
    if (items.length === 0) return;
    const sightings = items.flatMap((item) => (item.identity ? [{ identity: item.identity, at: item.at }] : []));
    const customers = await this.resolveIdentity.execute(manager, tenantId, sightings);
    const customerOf = (item: HistoryItem) => (item.identity ? customers.get(identityLabel(item.identity)) : undefined);

    const facts = items.flatMap((item) => (item.fact ? [{ ...item.fact, customerId: customerOf(item) }] : []));
    const ids = [...new Set(facts.map((fact) => fact.interactionId))];
    await lockSubjects(manager, tenantId, 'interaction', ids);
    const stored = await this.interactions.loadRecords(manager, tenantId, ids);
    const updated = new Map<string, InteractionRecord>();
    for (const fact of facts) {
      const record = updated.get(fact.interactionId) ?? stored.get(fact.interactionId)?.record ?? emptyInteractionRecord(fact.interactionId);
      updated.set(fact.interactionId, applyInteractionFact(record, fact));
    }
    const withNotes = [...updated.values()].filter(holdsPersonalData);
    const customerIds = [...new Set(withNotes.flatMap((record) => (record.customer ? [record.customer.value] : [])))];
    const erased = await this.interactions.erasedAmong(manager, tenantId, customerIds);
    const records = [...updated.values()].map((record) => (record.customer && erased.has(record.customer.value) ? withoutPersonalData(record) : record));
    await this.interactions.saveRecords(manager, tenantId, records);
    // An unfiled interaction joins the case of a neighbour (same customer within the window, same
    // subject, reference token or queue); not one an agent took out of its case.
    const unfiled = records.flatMap(({ interactionId, customer, queue, subject, referenceToken, firstAt }) =>
      customer && (queue || subject || referenceToken) && firstAt !== undefined && !stored.get(interactionId)?.caseId && !stored.get(interactionId)?.caseByAgent
        ? [{ interactionId, customerId: customer.value, startedAt: firstAt, queueId: queue?.value, subject: subject?.value, referenceToken: referenceToken?.value }]
        : [],
    );
    const filed = await this.interactions.casesNearby(manager, tenantId, unfiled, this.caseWindowMs);
    await this.interactions.setCases(manager, tenantId, filed, false);
    // Reporting counts first-contact resolution per customer and case: tell it whenever either is settled or changes.
    const linked = records.filter((record) => record.customer && (filed.has(record.interactionId) || record.customer.value !== stored.get(record.interactionId)?.record.customer?.value));
    await this.outbox.append(
      manager,
      linked.map(({ interactionId, customer }) => ({
        definition: Events.InteractionCustomerLinked,
        tenantId,
        payload: { interactionId, tenantId, customerId: customer!.value, caseId: filed.get(interactionId) ?? stored.get(interactionId)?.caseId ?? '', linkedAt: toTimestamp(new Date(customer!.at)) },
      })),
    );
    await this.interactions.insertMessages(
      manager,
      tenantId,
      items.flatMap((item) => (item.message ? [{ ...item.message, customerId: customerOf(item) ?? null }] : [])),
    );
  }
}
