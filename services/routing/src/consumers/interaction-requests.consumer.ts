import { Topics } from '@contactcenter/contracts';
import type { AssignmentListener, ConsumedEvent, EventBus, Subscription } from '@contactcenter/messaging';
import type { RouteRequestsUseCase } from '../app/route-requests/route-requests.use-case';

export interface InteractionRequestsConsumerOptions {
  readonly groupId: string;
  readonly routeRequests: RouteRequestsUseCase;
  readonly fromBeginning: boolean;
  /** Agent commands forwarded to the owner of their workspace (ADR 0009). */
  readonly onCommand: (event: ConsumedEvent) => Promise<void>;
  /** The partitions (= workspaces) this instance now owns. */
  readonly onAssignment: AssignmentListener;
}

/**
 * Subscribes routing's consumer group to the interaction topic and the routing command topic,
 * copartitioned: records of both are keyed by workspace, so the group's partition assignment
 * decides which instance routes which workspace and receives the commands for it. The events
 * routing itself publishes on the interaction topic are skipped by type.
 */
export class InteractionRequestsConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly eventBus: EventBus,
    private readonly options: InteractionRequestsConsumerOptions,
  ) {}

  async start(): Promise<void> {
    const { groupId, routeRequests, fromBeginning, onCommand, onAssignment } = this.options;
    this.subscription = await this.eventBus.subscribe({
      groupId,
      topics: [Topics.interaction, Topics.routingCommands],
      copartitioned: true,
      fromBeginning,
      onAssignment,
      handler: (event) => (event.topic === Topics.routingCommands ? onCommand(event) : routeRequests.handle(event)),
      // A partition carries many workspaces: its fetched events are routed in one transaction per workspace.
      mixedScopeBatches: true,
      batchHandler: async (events) => {
        if (events[0].topic !== Topics.routingCommands) return routeRequests.handleBatch(events);
        for (const event of events) await onCommand(event);
      },
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}
