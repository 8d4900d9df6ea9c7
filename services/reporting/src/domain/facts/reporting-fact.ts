import type { ContactChannel } from '../kpi/contact-facts';

/** Agent states as reporting counts them; routing's proto enum is mapped onto these at the edge. */
export type AgentActivity = 'offline' | 'available' | 'away' | 'on-contact' | 'after-contact-work';

/**
 * What one event tells reporting, stripped of its transport. Times are epoch ms. Each kind sets
 * its own fields of a fact record, so applying facts in any order gives the same record.
 */
export type InteractionFact =
  | { readonly kind: 'channel'; readonly interactionId: string; readonly channel: ContactChannel }
  | { readonly kind: 'queued'; readonly interactionId: string; readonly queueId: string; readonly channel: ContactChannel; readonly at: number }
  | { readonly kind: 'answered'; readonly interactionId: string; readonly queueId: string; readonly agentId: string; readonly at: number; readonly queueTimeMs: number }
  | { readonly kind: 'abandoned'; readonly interactionId: string; readonly queueId: string; readonly at: number; readonly queueTimeMs: number }
  | { readonly kind: 'completed'; readonly interactionId: string; readonly agentId: string; readonly at: number }
  | { readonly kind: 'customer-message'; readonly interactionId: string; readonly channel: ContactChannel; readonly at: number }
  | { readonly kind: 'agent-reply'; readonly interactionId: string; readonly at: number };

export interface AgentStateFact {
  readonly kind: 'agent-state';
  readonly agentId: string;
  readonly activity: AgentActivity;
  readonly at: number;
  /** Orders two changes of one agent at the same millisecond. */
  readonly eventId: string;
}

export type ReportingFact = InteractionFact | AgentStateFact;
