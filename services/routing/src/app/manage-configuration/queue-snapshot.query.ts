import { type AgentState, type QueueStatus, RoutingError } from '../../domain';
import type { RoutingRuntime } from '../routing-runtime';

/** A queue right now: waiting contacts with positions and estimates, and its members by state. */
export class QueueSnapshotQuery {
  constructor(private readonly runtime: RoutingRuntime) {}

  execute(workspaceId: string, tenantId: string, queueId: string): Promise<{ status: QueueStatus; agents: Map<AgentState, number> }> {
    return this.runtime.read(workspaceId, (engine, now) => {
      const snapshot = engine.snapshot();
      // Another tenant's queue is reported as unknown, like one that does not exist.
      if (!snapshot.queues.some((queue) => queue.config.queueId === queueId && queue.config.tenantId === tenantId)) {
        throw new RoutingError('QUEUE_NOT_FOUND', `queue ${queueId} is unknown`);
      }
      const agents = new Map<AgentState, number>();
      for (const agent of snapshot.agents) {
        if (agent.config.queues.some((membership) => membership.queueId === queueId)) agents.set(agent.reportedState, (agents.get(agent.reportedState) ?? 0) + 1);
      }
      return { status: engine.queueStatus(queueId, now), agents };
    });
  }
}
