import { commonV1, Events, Topics } from '@contactcenter/contracts';
import type { ConsumedEvent, EventBus, Subscription } from '@contactcenter/messaging';
import type { TelephonyGateway } from '../app/telephony-gateway';

/** Events after which a contact waits in no queue any more. */
const LEFT_QUEUE: Readonly<Record<string, (payload: Uint8Array) => { interactionId: string }>> = {
  [Events.InteractionAbandoned.type]: (payload) => Events.InteractionAbandoned.codec.decode(payload),
  [Events.InteractionRejected.type]: (payload) => Events.InteractionRejected.codec.decode(payload),
  [Events.InteractionWithdrawn.type]: (payload) => Events.InteractionWithdrawn.codec.decode(payload),
  [Events.InteractionCompleted.type]: (payload) => Events.InteractionCompleted.codec.decode(payload),
};

/**
 * Routing's decisions about the calls this pod holds: an assignment rings the agent's phone, a
 * transfer drops the agent and waits for the next assignment. Calls are sticky to the pod that
 * answered them, so each pod reads the whole topic in its own group and ignores other pods'
 * interactions. No inbox: acting is idempotent on the call's state (an assignment only rings a
 * queued call), and a decision about a call that ended with a pod's restart has no call to act on.
 * Every voice contact's queueing, assignment and departure also feeds the pod's QueueBoard, which
 * waiting callers' position and wait announcements read.
 */
export class RoutingDecisionsConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly eventBus: EventBus,
    private readonly gateway: TelephonyGateway,
    private readonly groupId: string,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.eventBus.subscribe({
      groupId: this.groupId,
      topics: [Topics.interaction],
      fromBeginning: false,
      handler: (event) => this.handle(event),
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    this.trackQueues(event);
    if (event.type === Events.InteractionAssigned.type) {
      const assigned = Events.InteractionAssigned.codec.decode(event.payload);
      const session = this.gateway.sessionOfInteraction(assigned.interactionId);
      if (session && session.tenantId === assigned.tenantId) void session.onAssigned(assigned.agentId);
      return;
    }
    if (event.type === Events.InteractionTransferred.type) {
      const transferred = Events.InteractionTransferred.codec.decode(event.payload);
      const session = this.gateway.sessionOfInteraction(transferred.interactionId);
      if (session && session.tenantId === transferred.tenantId) await session.onTransferred(transferred.toQueueId, transferred.toAgentId);
    }
  }

  private trackQueues(event: ConsumedEvent): void {
    const board = this.gateway.queueBoard;
    switch (event.type) {
      case Events.InteractionQueued.type: {
        const queued = Events.InteractionQueued.codec.decode(event.payload);
        if (queued.channel === commonV1.Channel.CHANNEL_VOICE) board.queued(event.workspaceId, queued.queueId, queued.interactionId);
        return;
      }
      case Events.InteractionAssigned.type:
        board.assignedAt(Events.InteractionAssigned.codec.decode(event.payload).interactionId, event.time.getTime());
        return;
      case Events.InteractionDeliveryFailed.type:
        board.deliveryFailed(Events.InteractionDeliveryFailed.codec.decode(event.payload).interactionId);
        return;
      default: {
        const left = LEFT_QUEUE[event.type];
        if (left) board.left(left(event.payload).interactionId);
      }
    }
  }
}
