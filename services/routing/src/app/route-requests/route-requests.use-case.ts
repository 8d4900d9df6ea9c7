import { Events, fromTimestamp, type interactionV1, toTimestamp } from '@contactcenter/contracts';
import type { ConsumedEvent } from '@contactcenter/messaging';
import { RoutingError, type RoutingStep, type SkillCondition } from '../../domain';
import type { EntityManager } from 'typeorm';
import { RoutingConfigRepository } from '../../persistence/routing-config.repository';
import type { RoutingCommand } from '../routing-command';
import type { QueueDefinition } from '../routing-definitions';
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

const ROUTED_TYPES: ReadonlySet<string> = new Set([Events.InteractionRequested.type, Events.InteractionWithdrawn.type, Events.InteractionDeliveryFailed.type]);

/**
 * Contacts asking for an agent (InteractionRequested), contacts leaving (InteractionWithdrawn)
 * and contacts the channel could not deliver to their agent (InteractionDeliveryFailed), applied
 * to the workspace's engine with their inbox mark in one transaction. A request the engine
 * refuses is answered with InteractionRejected, so its sender never waits in vain.
 */
export class RouteRequestsUseCase {
  private readonly config = new RoutingConfigRepository();

  constructor(private readonly options: RouteRequestsOptions) {}

  async handle(event: ConsumedEvent): Promise<void> {
    if (event.type === Events.InteractionRequested.type) return this.request(event, Events.InteractionRequested.codec.decode(event.payload));
    if (event.type === Events.InteractionWithdrawn.type) return this.withdraw(event, Events.InteractionWithdrawn.codec.decode(event.payload));
    if (event.type === Events.InteractionDeliveryFailed.type) return this.deliveryFailed(event, Events.InteractionDeliveryFailed.codec.decode(event.payload));
  }

  private async request(event: ConsumedEvent, request: interactionV1.InteractionRequested): Promise<void> {
    const { runtime, groupId } = this.options;
    const { workspaceId, tenantId } = event;
    const inbox = { groupId, event };
    try {
      await runtime.execute(workspaceId, async (manager, now, _engine, queues) => [await this.enqueueOf(manager, event, request, now, known(queues, [request.queueId]))], {
        inbox,
        queueIds: [request.queueId],
      });
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

  /**
   * Consecutive events of one partition, any workspaces: one transaction per workspace, the
   * workspaces in parallel. Anything refused (or redelivered) fails the batch, which the bus then
   * hands over one event at a time, where refusals are answered precisely.
   */
  async handleBatch(events: readonly ConsumedEvent[]): Promise<void> {
    const byWorkspace = new Map<string, ConsumedEvent[]>();
    for (const event of events) {
      if (!ROUTED_TYPES.has(event.type)) continue;
      const list = byWorkspace.get(event.workspaceId) ?? [];
      list.push(event);
      byWorkspace.set(event.workspaceId, list);
    }
    const { runtime, groupId } = this.options;
    const requestedQueues = (list: readonly ConsumedEvent[]) => [
      ...new Set(list.filter((event) => event.type === Events.InteractionRequested.type).map((event) => Events.InteractionRequested.codec.decode(event.payload).queueId)),
    ];
    await Promise.all(
      [...byWorkspace].map(([workspaceId, list]) => {
        const queueIds = requestedQueues(list);
        return runtime.execute(
          workspaceId,
          async (manager, now, _engine, prefetched) => {
            const queues = known(prefetched, queueIds);
            const commands: RoutingCommand[] = [];
            for (const event of list) {
              if (event.type === Events.InteractionRequested.type) {
                commands.push(await this.enqueueOf(manager, event, Events.InteractionRequested.codec.decode(event.payload), now, queues));
              } else if (event.type === Events.InteractionDeliveryFailed.type) {
                commands.push(deliveryFailedOf(event, Events.InteractionDeliveryFailed.codec.decode(event.payload), now));
              } else {
                const { interactionId, reason } = Events.InteractionWithdrawn.codec.decode(event.payload);
                commands.push({ kind: 'cancel', now, tenantId: event.tenantId, interactionId, reason: reason || 'withdrawn' });
              }
            }
            return commands;
          },
          { inboxAll: { groupId, events: list }, queueIds },
        );
      }),
    );
  }

  /** The engine command for a request; RoutingError when it cannot be routed. */
  private async enqueueOf(
    manager: EntityManager,
    event: ConsumedEvent,
    request: interactionV1.InteractionRequested,
    now: number,
    queues: Map<string, Promise<QueueDefinition | undefined>>,
  ): Promise<RoutingCommand> {
    const { workspaceId, tenantId } = event;
    if (request.tenantId !== tenantId) throw new RoutingError('INVALID_COMMAND', `payload tenant ${request.tenantId} differs from header tenant ${tenantId}`);
    const channel = CHANNELS_OF_PROTO[request.channel];
    if (!channel) throw new RoutingError('INVALID_COMMAND', `interaction ${request.interactionId} has no channel`);
    let pending = queues.get(request.queueId);
    if (!pending) {
      pending = this.config.queue(manager, workspaceId, request.queueId);
      queues.set(request.queueId, pending);
    }
    const queue = await pending;
    if (!queue) throw new RoutingError('QUEUE_NOT_FOUND', `queue ${request.queueId} is unknown`);
    const required = Object.entries(request.requiredSkills).map(([skill, minLevel]) => ({ skill, minLevel }));
    return {
      kind: 'enqueue',
      now,
      tenantId,
      interactionId: request.interactionId,
      channel,
      queueId: request.queueId,
      ...(request.priority !== 0 && { priority: request.priority }),
      ...(required.length > 0 && { steps: withRequiredSkills(queue.config.steps, required) }),
      ...(request.preferredAgentId && { preferredAgent: { agentId: request.preferredAgentId, windowMs: this.options.preferredAgentWindowMs } }),
    };
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

  private async deliveryFailed(event: ConsumedEvent, failure: interactionV1.InteractionDeliveryFailed): Promise<void> {
    const { runtime, groupId } = this.options;
    const { workspaceId, tenantId } = event;
    const inbox = { groupId, event };
    try {
      await runtime.execute(workspaceId, (_manager, now) => [deliveryFailedOf(event, failure, now)], { inbox });
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      // Unknown, not (or no longer) assigned to that agent, or a late duplicate: nothing to undo.
      this.options.logger?.warn('delivery failure ignored', { workspaceId, tenantId, interactionId: failure.interactionId, agentId: failure.agentId, reason: error.message });
      await runtime.execute(workspaceId, () => [], { inbox });
    }
  }
}

/** The queues read with the inbox mark, as the lookup cache of enqueueOf: a named queue not among them does not exist. */
function known(prefetched: ReadonlyMap<string, QueueDefinition>, queueIds: readonly string[]): Map<string, Promise<QueueDefinition | undefined>> {
  return new Map(queueIds.map((queueId) => [queueId, Promise.resolve(prefetched.get(queueId))]));
}

/** The engine command for a failed delivery; RoutingError when the event contradicts its headers. */
function deliveryFailedOf(event: ConsumedEvent, failure: interactionV1.InteractionDeliveryFailed, now: number): RoutingCommand {
  const { workspaceId, tenantId } = event;
  if (failure.tenantId !== tenantId) throw new RoutingError('INVALID_COMMAND', `payload tenant ${failure.tenantId} differs from header tenant ${tenantId}`);
  if (failure.workspaceId && failure.workspaceId !== workspaceId) {
    throw new RoutingError('WRONG_WORKSPACE', `payload workspace ${failure.workspaceId} differs from header workspace ${workspaceId}`);
  }
  return { kind: 'deliveryFailed', now, tenantId, interactionId: failure.interactionId, agentId: failure.agentId, reason: failure.reason || 'delivery-failed' };
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
