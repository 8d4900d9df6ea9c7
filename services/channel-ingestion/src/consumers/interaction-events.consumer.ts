import type { DataSource, EntityManager } from 'typeorm';
import { Events, fromTimestamp, Topics } from '@contactcenter/contracts';
import { type ConsumedEvent, type EventBus, handleWithInbox, type Subscription } from '@contactcenter/messaging';
import { conversationEffect, type InteractionOutcome } from '../domain/conversation.policy';
import type { MessageLogRepository } from '../persistence/message-log.repository';

interface Outcome {
  readonly interactionId: string;
  readonly tenantId: string;
  readonly outcome: InteractionOutcome;
  readonly agentId?: string;
  readonly at: Date;
}

/** Routing's decisions about interactions, reduced to what a conversation needs. */
function outcomeOf(event: ConsumedEvent): Outcome | undefined {
  switch (event.type) {
    case Events.InteractionAssigned.type: {
      const e = Events.InteractionAssigned.codec.decode(event.payload);
      return { interactionId: e.interactionId, tenantId: e.tenantId, outcome: 'assigned', agentId: e.agentId, at: fromTimestamp(e.assignedAt) ?? event.time };
    }
    case Events.InteractionCompleted.type: {
      const e = Events.InteractionCompleted.codec.decode(event.payload);
      return { interactionId: e.interactionId, tenantId: e.tenantId, outcome: 'completed', at: fromTimestamp(e.completedAt) ?? event.time };
    }
    case Events.InteractionWrappedUp.type: {
      const e = Events.InteractionWrappedUp.codec.decode(event.payload);
      return { interactionId: e.interactionId, tenantId: e.tenantId, outcome: 'wrapped-up', at: fromTimestamp(e.wrappedUpAt) ?? event.time };
    }
    case Events.InteractionAbandoned.type: {
      const e = Events.InteractionAbandoned.codec.decode(event.payload);
      return { interactionId: e.interactionId, tenantId: e.tenantId, outcome: 'abandoned', at: fromTimestamp(e.abandonedAt) ?? event.time };
    }
    case Events.InteractionRejected.type: {
      const e = Events.InteractionRejected.codec.decode(event.payload);
      return { interactionId: e.interactionId, tenantId: e.tenantId, outcome: 'rejected', at: fromTimestamp(e.rejectedAt) ?? event.time };
    }
    default:
      return undefined;
  }
}

export interface InteractionEventsConsumerOptions {
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  readonly log: MessageLogRepository;
  readonly groupId: string;
  readonly topic?: string;
  readonly fromBeginning?: boolean;
}

/**
 * Keeps conversations in step with routing: assigned → the conversation knows its agent;
 * completed, wrapped up, abandoned or rejected → closed, so the customer's next message starts
 * a new interaction. Other services' interactions (calls) find no conversation and are skipped.
 */
export class InteractionEventsConsumer {
  private subscription?: Subscription;

  constructor(private readonly options: InteractionEventsConsumerOptions) {}

  async start(): Promise<void> {
    const { dataSource, eventBus, groupId } = this.options;
    this.subscription = await eventBus.subscribe({
      groupId,
      topics: [this.options.topic ?? Topics.interaction],
      fromBeginning: this.options.fromBeginning,
      handler: handleWithInbox(dataSource, groupId, (manager, event) => this.apply(manager, event)),
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async apply(manager: EntityManager, event: ConsumedEvent): Promise<void> {
    const outcome = outcomeOf(event);
    // The payload's tenant must be the header's: RLS seals the transaction to the header's.
    if (!outcome || outcome.tenantId !== event.tenantId) return;
    const { log } = this.options;
    const conversation = await log.conversation(manager, outcome.tenantId, outcome.interactionId);
    const effect = conversationEffect(conversation?.status, outcome.outcome, outcome.agentId);
    if (effect.kind === 'assign') await log.assign(manager, outcome.tenantId, outcome.interactionId, effect.agentId);
    if (effect.kind === 'close') await log.close(manager, outcome.tenantId, outcome.interactionId, outcome.at);
  }
}
