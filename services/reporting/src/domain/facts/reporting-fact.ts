import type { ContactChannel } from '../kpi/contact-facts';
import type { SurveyAnswers } from '../kpi/survey.kpi';

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
  /** `holdMs` only when the completion event states it; it then overrides the hold of the call events. */
  | { readonly kind: 'completed'; readonly interactionId: string; readonly agentId: string; readonly at: number; readonly holdMs?: number }
  | { readonly kind: 'wrapped-up'; readonly interactionId: string; readonly agentId: string; readonly at: number }
  | { readonly kind: 'transferred'; readonly interactionId: string; readonly agentId: string; readonly at: number }
  | { readonly kind: 'customer-linked'; readonly interactionId: string; readonly customerId: string; readonly caseId?: string; readonly at: number }
  | { readonly kind: 'survey'; readonly interactionId: string; readonly surveyId: string; readonly scores: SurveyAnswers }
  | { readonly kind: 'customer-message'; readonly interactionId: string; readonly channel: ContactChannel; readonly at: number }
  | { readonly kind: 'agent-reply'; readonly interactionId: string; readonly at: number }
  /** The telephony gateway put the call on hold, took it off hold, or the call ended. */
  | { readonly kind: 'call-held' | 'call-resumed' | 'call-ended'; readonly interactionId: string; readonly callId: string; readonly at: number };

export interface AgentStateFact {
  readonly kind: 'agent-state';
  readonly agentId: string;
  readonly activity: AgentActivity;
  readonly at: number;
  /** Routing's reason code for away; '' otherwise. */
  readonly reason: string;
  /** Orders two changes of one agent at the same millisecond. */
  readonly eventId: string;
}

export type ReportingFact = InteractionFact | AgentStateFact;
