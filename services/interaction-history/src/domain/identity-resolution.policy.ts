import type { CustomerIdentity } from './customer-identity';

/** What to do with an identity seen in an event. */
export type IdentityResolution =
  | { readonly kind: 'known'; readonly customerId: string }
  | { readonly kind: 'link'; readonly customerId: string; readonly identity: CustomerIdentity }
  | { readonly kind: 'create'; readonly customerId: string; readonly identity: CustomerIdentity };

export interface IdentityResolutionInput {
  readonly identity: CustomerIdentity;
  /** The live customer owning the identity, if any (merged owners already followed). */
  readonly ownerId?: string;
  /** Live customers owning an identity that names the same person on another channel. */
  readonly siblingOwnerIds: readonly string[];
  /** The id a new customer gets; passed in so the policy stays deterministic. */
  readonly newCustomerId: string;
}

/**
 * Known identity → its customer. Unknown → the customer of a sibling identity (a WhatsApp id
 * and the same phone number), the lowest id when several, so replays decide alike; else a new
 * customer.
 */
export function resolveIdentity(input: IdentityResolutionInput): IdentityResolution {
  if (input.ownerId) return { kind: 'known', customerId: input.ownerId };
  const [sibling] = [...new Set(input.siblingOwnerIds)].sort();
  if (sibling) return { kind: 'link', customerId: sibling, identity: input.identity };
  return { kind: 'create', customerId: input.newCustomerId, identity: input.identity };
}
