import type { ContactFacts } from './contact-facts';
import type { FcrOutcome } from './first-contact-resolution.kpi';
import type { KpiSettings } from './kpi-settings';
import { queueOutcomeOf } from './queue-outcome';

export interface FcrClassification {
  readonly contact: ContactFacts;
  /** Pending: no return yet, but the window is still open at `asOfMs`. */
  readonly outcome: FcrOutcome | 'pending';
}

/**
 * First contact resolution of every contact that finished in a queue (handled, not transferred
 * onwards). It is repeated when the same customer comes back about the same issue, on any
 * channel, after it entered the queue and no later than `fcrWindowMs` after it ended: same case
 * when both visits carry one, otherwise same queue. A return is another contact (another
 * `contactId`, so a transfer's next leg is none) that reached a queue and was not a short
 * abandon. The result does not depend on the order of `contacts`.
 */
export function classifyFirstContactResolution(
  contacts: readonly ContactFacts[],
  asOfMs: number,
  settings: KpiSettings,
): FcrClassification[] {
  const returnsByCustomer = new Map<string, ContactFacts[]>();
  for (const contact of contacts) {
    const outcome = queueOutcomeOf(contact, settings);
    if (outcome.kind === 'abandoned' && outcome.short) continue;
    const key = customerKey(contact);
    const returns = returnsByCustomer.get(key);
    if (returns) returns.push(contact);
    else returnsByCustomer.set(key, [contact]);
  }

  return contacts.filter(endsTheContact).map((contact) => {
    const windowEnd = (contact.handledEnd as number) + settings.fcrWindowMs;
    const repeated = (returnsByCustomer.get(customerKey(contact)) ?? []).some(
      (other) =>
        other.contactId !== contact.contactId &&
        other.enqueuedAt > contact.enqueuedAt &&
        other.enqueuedAt <= windowEnd &&
        sameIssue(contact, other),
    );
    if (repeated) return { contact, outcome: 'repeated' };
    return { contact, outcome: asOfMs >= windowEnd ? 'resolved' : 'pending' };
  });
}

function endsTheContact(contact: ContactFacts): boolean {
  return contact.answeredAt !== undefined && contact.handledEnd !== undefined && !contact.transferred;
}

function customerKey(contact: ContactFacts): string {
  return JSON.stringify([contact.tenantId, contact.customerId]);
}

function sameIssue(first: ContactFacts, other: ContactFacts): boolean {
  if (first.caseId !== undefined && other.caseId !== undefined) return first.caseId === other.caseId;
  return first.queueId === other.queueId;
}
