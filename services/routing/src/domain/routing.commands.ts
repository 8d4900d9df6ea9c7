import { AgentConfig } from './agent.config';
import { PresenceRequest } from './agent.state-machine';
import { Channel } from './channel';
import { QueueConfig, RoutingStep } from './queue.config';

/** Every command says when it happens: `now`, ms since the epoch. Time never goes backwards. */
interface Timed {
  readonly now: number;
}

export interface UpsertQueueCommand extends Timed {
  readonly config: QueueConfig;
}

export interface UpsertAgentCommand extends Timed {
  readonly config: AgentConfig;
}

export interface LoginCommand extends Timed {
  readonly agentId: string;
}

export type SetStateCommand = Timed & { readonly agentId: string } & PresenceRequest;

export interface EnqueueCommand extends Timed {
  readonly tenantId: string;
  readonly interactionId: string;
  readonly channel: Channel;
  readonly queueId: string;
  /** Defaults to the queue's default priority. */
  readonly priority?: number;
  /** Replaces the queue's steps for this item, in every queue it visits. */
  readonly steps?: readonly RoutingStep[];
  /** Only this agent gets the item during the first `windowMs`, e.g. the customer's last agent. */
  readonly preferredAgent?: { readonly agentId: string; readonly windowMs: number };
}

/** Accept or reject an offer. */
export interface OfferCommand extends Timed {
  readonly tenantId: string;
  readonly offerId: string;
  readonly agentId: string;
}

export interface CompleteCommand extends Timed {
  readonly tenantId: string;
  readonly interactionId: string;
  readonly agentId: string;
}

export interface SubmitWrapUpCommand extends CompleteCommand {
  readonly code?: string;
}

export interface TransferCommand extends CompleteCommand {
  readonly to: { readonly queueId: string } | { readonly agentId: string; readonly windowMs?: number };
}

/** The channel could not reach the assigned agent (no answer, busy): the contact goes back to its place. */
export interface DeliveryFailedCommand extends CompleteCommand {
  /** E.g. "no-answer" or "busy:486"; carried in the event. */
  readonly reason: string;
}

export interface CancelCommand extends Timed {
  readonly tenantId: string;
  readonly interactionId: string;
  /** Why the contact left, e.g. "caller-hung-up"; carried in the abandoned event. */
  readonly reason?: string;
}
