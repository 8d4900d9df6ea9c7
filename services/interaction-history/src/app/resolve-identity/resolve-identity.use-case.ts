import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { type CustomerIdentity, identityLabel, siblingIdentities } from '../../domain/customer-identity';
import { resolveIdentity } from '../../domain/identity-resolution.policy';
import { CustomerRepository } from '../../persistence/customer.repository';
import { lockSubjects } from '../../persistence/subject-locks';

/**
 * Identities → live customers inside the caller's transaction: known ones as they are, unknown
 * ones linked to a sibling's customer or to a new customer (announced with CustomerCreated
 * through the outbox). Identities are locked first, so two events of one new person create one
 * customer.
 */
export class ResolveIdentityUseCase {
  private readonly customers = new CustomerRepository();
  private readonly outbox = new OutboxWriter();

  /** Live customer ids by `kind:value`; a new customer is created at its identity's earliest sighting. */
  async execute(manager: EntityManager, tenantId: string, sightings: readonly { identity: CustomerIdentity; at: Date }[]): Promise<Map<string, string>> {
    const firstSeen = new Map<string, Date>();
    for (const { identity, at } of sightings) {
      const seen = firstSeen.get(identityLabel(identity));
      if (!seen || at < seen) firstSeen.set(identityLabel(identity), at);
    }
    const unique = [...new Map(sightings.map(({ identity }) => [identityLabel(identity), identity])).values()];
    const resolved = new Map<string, string>();
    if (unique.length === 0) return resolved;
    await lockSubjects(manager, tenantId, 'identity', unique.map(identityLabel));
    const owners = await this.customers.owners(manager, tenantId, unique.flatMap((identity) => [identity, ...siblingIdentities(identity)]));
    for (const identity of unique) {
      const label = identityLabel(identity);
      const at = firstSeen.get(label)!;
      const decision = resolveIdentity({
        identity,
        ownerId: owners.get(label),
        siblingOwnerIds: siblingIdentities(identity).flatMap((sibling) => owners.get(identityLabel(sibling)) ?? []),
        newCustomerId: randomUUID(),
      });
      if (decision.kind === 'create') {
        await this.customers.create(manager, tenantId, decision.customerId, at);
        await this.outbox.append(manager, [
          { definition: Events.CustomerCreated, tenantId, payload: { customerId: decision.customerId, tenantId, identity: label, createdAt: toTimestamp(at) } },
        ]);
      }
      if (decision.kind !== 'known') {
        await this.customers.link(manager, tenantId, identity, decision.customerId, at);
        owners.set(label, decision.customerId);
      }
      resolved.set(label, decision.customerId);
    }
    return resolved;
  }
}
