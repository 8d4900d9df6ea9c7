import { Events, fromTimestamp, type interactionV1, toTimestamp } from '@contactcenter/contracts';
import type { ConsumedEvent } from '@contactcenter/messaging';
import { RoutingError, type RoutingStep, type SkillCondition } from '../../domain';
import { RoutingConfigRepository } from '../../persistence/routing-config.repository';
import { CHANNELS_OF_PROTO } from '../contract-event.mapper';
import type { RoutingRuntime } from '../routing-runtime';

export interface RouteRequestsOptions {
  readonly runtime: RoutingRuntime;
  /** The consumer group, which names the inbox marks. */
  readonly groupId: string;
  /** How long a requested preferred agent has the contact to itself. */
  readonly preferredAgentWindowMs: number;
  readonly logger?: { warn(message: string, context?: object): void };
}

/**
 * Contacts asking for an agent (InteractionRequested) and contacts leaving (InteractionWithdrawn),
 * applied to the workspace's engine with their inbox mark in one transaction. A request the
 * engine refuses is answered with InteractionRejected, so its sender never waits in vain.
 */
export class RouteRequestsUseCase {
  private readonly config = new RoutingConfigRepository();

  constructor(private readonly options: RouteRequestsOptions) {}

  async handle(event: ConsumedEvent): Promise<void> {
    if (event.type === Events.InteractionRequested.type) return this.request(event, Events.InteractionRequested.codec.decode(event.payload));
    if (event.type === Events.InteractionWithdrawn.type) return this.withdraw(event, Events.InteractionWithdrawn.codec.decode(event.payload));
  }

  private async request(event: ConsumedEvent, request: interactionV1.InteractionRequested): Promise<void> {
    const { runtime, groupId } = this.options;
    const { workspaceId, tenantId } = event;
    const inbox = { groupId, event };
    try {
      await runtime.execute(
        workspaceId,
        async (manager, now) => {
          if (request.tenantId !== tenantId) throw new RoutingError('INVALID_COMMAND', `payload tenant ${request.tenantId} differs from header tenant ${tenantId}`);
          const channel = CHANNELS_OF_PROTO[request.channel];
          if (!channel) throw new RoutingError('INVALID_COMMAND', `interaction ${request.interactionId} has no channel`);
          const queue = await this.config.queue(manager, workspaceId, request.queueId);
          if (!queue) throw new RoutingError('QUEUE_NOT_FOUND', `queue ${request.queueId} is unknown`);
          const required = Object.entries(request.requiredSkills).map(([skill, minLevel]) => ({ skill, minLevel }));
          return [
            {
              kind: 'enqueue',
              now,
              tenantId,
              interactionId: request.interactionId,
              channel,
              queueId: request.queueId,
              ...(request.priority !== 0 && { priority: request.priority }),
              ...(required.length > 0 && { steps: withRequiredSkills(queue.config.steps, required) }),
              ...(request.preferredAgentId && { preferredAgent: { agentId: request.preferredAgentId, windowMs: this.options.preferredAgentWindowMs } }),
            },
          ];
        },
        { inbox },
      );
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      this.options.logger?.warn('interaction request refused', { workspaceId, tenantId, interactionId: request.interactionId, reason: error.message });
      const rejectedAt = fromTimestamp(request.requestedAt) ?? event.time;
      await runtime.execute(workspaceId, () => [], {
        inbox,
        outbox: [
          {
            workspaceId,
            tenantId,
            definition: Events.InteractionRejected,
            payload: { interactionId: request.interactionId, tenantId, queueId: request.queueId, reason: error.message, rejectedAt: toTimestamp(rejectedAt) },
          },
        ],
      });
    }
  }

  private async withdraw(event: ConsumedEvent, withdrawal: interactionV1.InteractionWithdrawn): Promise<void> {
    const { runtime, groupId } = this.options;
    const { workspaceId, tenantId } = event;
    const inbox = { groupId, event };
    try {
      await runtime.execute(workspaceId, (_manager, now) => [{ kind: 'cancel', now, tenantId, interactionId: withdrawal.interactionId, reason: withdrawal.reason || 'withdrawn' }], { inbox });
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      // Already assigned or finished: the contact left an agent, not the queue; nothing to route.
      this.options.logger?.warn('withdrawal ignored', { workspaceId, tenantId, interactionId: withdrawal.interactionId, reason: error.message });
      await runtime.execute(workspaceId, () => [], { inbox });
    }
  }
}

/**
 * The contact's own skill needs hold in every step of the queue's, and after its last step,
 * so relaxing the queue's steps never drops them.
 */
export function withRequiredSkills(steps: readonly RoutingStep[], required: readonly SkillCondition[]): RoutingStep[] {
  const merge = (conditions: readonly SkillCondition[]) => [
    ...conditions.filter((condition) => !required.some((r) => r.skill === condition.skill)),
    ...required.map((r) => ({ skill: r.skill, minLevel: Math.max(r.minLevel, conditions.find((c) => c.skill === r.skill)?.minLevel ?? 0) })),
  ];
  const merged = steps.map((step) => ({ ...step, conditions: merge(step.conditions) }));
  const last = steps[steps.length - 1];
  if (!last || last.expiresAfterMs !== undefined) merged.push({ conditions: [...required] });
  return merged;
}
