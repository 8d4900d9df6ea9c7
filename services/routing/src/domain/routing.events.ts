import { AgentState } from './agent.state-machine';
import { Channel } from './channel';

/**
 * Facts the engine reports; the service publishes them through the outbox. Every event carries
 * the time it happened (`at`, ms since the epoch); interaction events carry their tenant.
 */
export type RoutingEvent =
  | QueuedEvent
  | OfferedEvent
  | OfferRejectedEvent
  | OfferTimedOutEvent
  | OfferRevokedEvent
  | AssignedEvent
  | TransferredEvent
  | DeliveryFailedEvent
  | CompletedEvent
  | WrapUpDoneEvent
  | AbandonedEvent
  | OverflowedEvent
  | AgentStateChangedEvent;

interface InteractionEvent {
  readonly at: number;
  readonly tenantId: string;
  readonly interactionId: string;
  readonly queueId: string;
}

export interface QueuedEvent extends InteractionEvent {
  readonly type: 'queued';
  readonly channel: Channel;
  readonly priority: number;
  readonly enqueuedAt: number;
  /** The queue the contact asked for, when business hours redirected it. */
  readonly redirectedFrom?: string;
}

interface OfferEvent extends InteractionEvent {
  readonly agentId: string;
  readonly offerId: string;
}

export interface OfferedEvent extends OfferEvent {
  readonly type: 'offered';
  readonly expiresAt: number;
}

export interface OfferRejectedEvent extends OfferEvent {
  readonly type: 'offerRejected';
}

export interface OfferTimedOutEvent extends OfferEvent {
  readonly type: 'offerTimedOut';
}

/** The agent logged out with the offer pending; the item goes back to its place. */
export interface OfferRevokedEvent extends OfferEvent {
  readonly type: 'offerRevoked';
}

export interface AssignedEvent extends OfferEvent {
  readonly type: 'assigned';
  /** From the first enqueue to acceptance. */
  readonly queueTimeMs: number;
}

export interface TransferredEvent extends InteractionEvent {
  readonly type: 'transferred';
  readonly fromAgentId: string;
  readonly toQueueId: string;
  readonly toAgentId?: string;
}

/** The assigned agent could not be reached; the item waits again in its original place. */
export interface DeliveryFailedEvent extends InteractionEvent {
  readonly type: 'deliveryFailed';
  readonly agentId: string;
  readonly reason: string;
}

export interface CompletedEvent extends InteractionEvent {
  readonly type: 'completed';
  readonly agentId: string;
  readonly wrapUpRequired: boolean;
}

export interface WrapUpDoneEvent extends InteractionEvent {
  readonly type: 'wrapUpDone';
  readonly agentId: string;
  readonly code?: string;
  readonly timedOut: boolean;
  /** From assignment to the end of after-contact work. */
  readonly handleTimeMs: number;
}

export interface AbandonedEvent extends InteractionEvent {
  readonly type: 'abandoned';
  readonly queueTimeMs: number;
  readonly reason: string;
  /** Set when an offer was pending and is withdrawn from that agent. */
  readonly agentId?: string;
  readonly offerId?: string;
}

export interface OverflowedEvent extends InteractionEvent {
  readonly type: 'overflowed';
  readonly toQueueId: string;
}

export interface AgentStateChangedEvent {
  readonly type: 'agentStateChanged';
  readonly at: number;
  readonly agentId: string;
  readonly previousState: AgentState;
  readonly state: AgentState;
  readonly reasonCode?: string;
}
