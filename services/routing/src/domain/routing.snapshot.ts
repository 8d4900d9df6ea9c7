import { AgentConfig } from './agent.config';
import { AgentState, Presence } from './agent.state-machine';
import { Channel, PerChannel } from './channel';
import { QueueConfig, RoutingStep } from './queue.config';
import { Offer, WorkItemState } from './work-item';

export type OfferOutcome = 'accepted' | 'rejected' | 'timed-out' | 'withdrawn';

/**
 * The engine's whole state as plain JSON. Indexes are not stored: `RoutingEngine.restore`
 * rebuilds them, and a restored engine answers every later command exactly as the original.
 */
export interface RoutingSnapshot {
  readonly version: 1;
  readonly workspaceId: string;
  readonly clock: number;
  readonly sequences: { readonly agent: number; readonly item: number; readonly offer: number };
  readonly queues: readonly QueueSnapshot[];
  readonly agents: readonly AgentSnapshot[];
  /** In sequence order. */
  readonly items: readonly WorkItemSnapshot[];
  /** Recently closed offers, oldest first, so late accepts get a precise error. */
  readonly closedOffers: readonly (readonly [string, OfferOutcome])[];
  /** Recent handle times per queue, oldest first. */
  readonly handleTimes: Readonly<Record<string, readonly number[]>>;
}

export interface QueueSnapshot {
  readonly config: QueueConfig;
  readonly lastAgentSeq: number;
}

export interface AgentSnapshot {
  readonly config: AgentConfig;
  readonly seq: number;
  readonly presence: Presence;
  readonly reasonCode?: string;
  readonly idleSince: PerChannel<number>;
  readonly reportedState: AgentState;
  readonly reportedReasonCode?: string;
}

export interface WorkItemSnapshot {
  readonly interactionId: string;
  readonly tenantId: string;
  readonly channel: Channel;
  readonly queueId: string;
  readonly priority: number;
  readonly enqueuedAt: number;
  readonly queueEnteredAt: number;
  readonly seq: number;
  readonly ownSteps?: readonly RoutingStep[];
  readonly preferred?: { readonly agentId: string; readonly until: number };
  readonly excluded: readonly string[];
  readonly overflowTried: boolean;
  readonly state: WorkItemState;
  readonly stepIndex: number;
  readonly offer?: Offer;
  readonly agentId?: string;
  readonly assignedAt?: number;
  readonly wrapUpUntil?: number;
}
