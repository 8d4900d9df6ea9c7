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
    // Decided one by one (a later identity may be the sibling of one created just before), written at once.
    const created: { customerId: string; at: Date; label: string }[] = [];
    const links: { identity: CustomerIdentity; customerId: string; at: Date }[] = [];
    for (const identity of unique) {
      const label = identityLabel(identity);
      const at = firstSeen.get(label)!;
      const decision = resolveIdentity({
        identity,
        ownerId: owners.get(label),
        siblingOwnerIds: siblingIdentities(identity).flatMap((sibling) => owners.get(identityLabel(sibling)) ?? []),
        newCustomerId: randomUUID(),
      });
      if (decision.kind === 'create') created.push({ customerId: decision.customerId, at, label });
      if (decision.kind !== 'known') {
        links.push({ identity, customerId: decision.customerId, at });
        owners.set(label, decision.customerId);
      }
      resolved.set(label, decision.customerId);
    }
    await this.customers.createMany(manager, tenantId, created);
    await this.customers.linkMany(manager, tenantId, links);
    await this.outbox.append(
      manager,
      created.map(({ customerId, at, label }) => ({ definition: Events.CustomerCreated, tenantId, payload: { customerId, tenantId, identity: label, createdAt: toTimestamp(at) } })),
    );
    return resolved;
  }
}
