import { Topics } from '@contactcenter/contracts';
import type { EventBus, TopicPartition } from '@contactcenter/messaging';

/**
 * Which workspaces this instance owns: those whose key lands on a partition of the interaction
 * topic that the routing consumer group gave it (ADR 0009). Records are keyed by workspace id,
 * so a partition is a set of whole workspaces.
 */
export class WorkspaceOwnership {
  private held = new Set<number>();
  private readonly partitions = new Map<string, Promise<number>>();

  constructor(
    private readonly bus: EventBus,
    private readonly topic: string = Topics.interaction,
  ) {}

  partitionOf(workspaceId: string): Promise<number> {
    let partition = this.partitions.get(workspaceId);
    if (!partition) {
      partition = this.bus.partitionOf(this.topic, workspaceId);
      this.partitions.set(workspaceId, partition);
      partition.catch(() => this.partitions.delete(workspaceId));
    }
    return partition;
  }

  async owns(workspaceId: string): Promise<boolean> {
    return this.held.has(await this.partitionOf(workspaceId));
  }

  /** Takes the member's new assignment; answers which partitions it gained and lost. */
  assign(assignment: readonly TopicPartition[]): { gained: ReadonlySet<number>; lost: ReadonlySet<number> } {
    const next = new Set(assignment.filter((p) => p.topic === this.topic).map((p) => p.partition));
    const gained = new Set([...next].filter((p) => !this.held.has(p)));
    const lost = new Set([...this.held].filter((p) => !next.has(p)));
    this.held = next;
    return { gained, lost };
  }
}
