import { Events, Topics } from '@contactcenter/contracts';
import type { ConsumedEvent, EventBus, Subscription } from '@contactcenter/messaging';
import type { AgentWorkUseCase, WorkUpdate } from '../app/handle-agent-work/agent-work.use-case';
import type { RoutingRuntime } from '../app/routing-runtime';
import { workUpdateOf } from '../grpc/routing-proto.mapper';
import type { AgentCommandRouter } from './agent-command.router';

/**
 * Every instance reads the whole work topic in a group of its own (new records only): commits
 * of the other instances reach the work streams open here (its own reached them at once),
 * answers to the commands this instance forwarded reach their callers, and an owner learns
 * that another instance wrote one of its workspaces (a rebalance, a race with a change of
 * owner) and reloads it.
 */
export class RoutingWorkConsumer {
  private subscription?: Subscription;

  constructor(
    private readonly bus: EventBus,
    private readonly groupId: string,
    /** This instance: its own commits reached its streams when they were made. */
    private readonly instanceId: string,
    private readonly work: AgentWorkUseCase,
    private readonly router: AgentCommandRouter,
    private readonly runtime: RoutingRuntime,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [Topics.routingWork],
      fromBeginning: false,
      // Nothing here is worth a retry or a dead letter: a stream resyncs, a caller times out.
      maxAttempts: 1,
      handler: async (event) => this.handle(event),
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    if (event.type === Events.AgentCommandAnswered.type) return this.router.answered(event);
    if (event.type !== Events.AgentWorkCommitted.type) return;
    const committed = Events.AgentWorkCommitted.codec.decode(event.payload);
    // A take-over it published itself still has to reach its own streams (they learn of it only here).
    if (committed.instanceId === this.instanceId && !committed.resync) return;
    void this.runtime.refresh(event.workspaceId, committed.seq).catch(() => undefined);
    const updates = new Map<string, WorkUpdate[]>();
    for (const { agentId, update } of committed.updates) {
      const decoded = update && workUpdateOf(update);
      if (!decoded) continue;
      const list = updates.get(agentId) ?? [];
      list.push(decoded);
      updates.set(agentId, list);
    }
    this.work.deliver(event.workspaceId, committed.seq, updates, committed.resync);
  }
}
