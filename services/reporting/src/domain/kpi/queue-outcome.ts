import type { ContactFacts } from './contact-facts';
import { requireKpiInput } from './kpi-input.error';
import { type KpiSettings, serviceLevelThresholdMs } from './kpi-settings';

/** How a contact's visit left the queue, measured against the tenant's thresholds. */
export type QueueOutcome =
  | { readonly kind: 'answered'; readonly waitMs: number; readonly withinThreshold: boolean }
  | { readonly kind: 'abandoned'; readonly waitMs: number; readonly short: boolean; readonly withinThreshold: boolean }
  /** Still waiting, or left another way (callback, overflow): offered, but in no ratio. */
  | { readonly kind: 'neither' };

export function queueOutcomeOf(contact: ContactFacts, settings: KpiSettings): QueueOutcome {
  const { contactId, enqueuedAt, answeredAt, abandonedAt } = contact;
  requireKpiInput(Number.isFinite(enqueuedAt), `contact ${contactId}: enqueuedAt is required`);
  requireKpiInput(answeredAt === undefined || abandonedAt === undefined, `contact ${contactId}: both answered and abandoned`);
  const threshold = serviceLevelThresholdMs(settings, contact.channel);
  if (answeredAt !== undefined) {
    const waitMs = answeredAt - enqueuedAt;
    requireKpiInput(waitMs >= 0, `contact ${contactId}: answered before it was queued`);
    return { kind: 'answered', waitMs, withinThreshold: waitMs <= threshold };
  }
  if (abandonedAt !== undefined) {
    const waitMs = abandonedAt - enqueuedAt;
    requireKpiInput(waitMs >= 0, `contact ${contactId}: abandoned before it was queued`);
    return { kind: 'abandoned', waitMs, short: waitMs <= settings.shortAbandonThresholdMs, withinThreshold: waitMs <= threshold };
  }
  return { kind: 'neither' };
}
