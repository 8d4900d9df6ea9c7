import { Topics } from '@contactcenter/contracts';
import type { EventBus, Subscription } from '@contactcenter/messaging';
import type { RouteRequestsUseCase } from '../app/route-requests/route-requests.use-case';

/**
 * Subscribes routing's consumer group to the interaction topic. Records are keyed by workspace,
 * so the group's partition assignment decides which instance routes which workspace; the
 * events routing itself publishes there are skipped by type.
 */
export class InteractionRequestsConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly eventBus: EventBus,
    private readonly groupId: string,
    private readonly routeRequests: RouteRequestsUseCase,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.eventBus.subscribe({
      groupId: this.groupId,
      topics: [Topics.interaction],
      handler: (event) => this.routeRequests.handle(event),
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}
