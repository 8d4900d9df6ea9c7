import { Agent } from './agent';
import { Channel } from './channel';
import { OrderedSet } from './collections/ordered-set';
import { Comparator, SortedList } from './collections/sorted-list';
import { queueOrder } from './item-order';
import { QueueConfig } from './queue.config';
import { CompiledSteps } from './routing-steps.policy';
import { AgentSelectionStrategy } from './strategies/agent-selection.strategy';
import { strategyFor } from './strategies/strategy-for';
import { Bucket, WorkItem } from './work-item';

/**
 * One queue's configuration plus its indexes:
 * - waiting items per channel in service order (positions, snapshots),
 * - the same items split into buckets of equal skill needs, so an agent checks its skills once
 *   per bucket instead of once per item,
 * - ready agents per channel in the order of the queue's selection strategy.
 */
export class RoutingQueue {
  config!: QueueConfig;
  steps!: CompiledSteps;
  strategy!: AgentSelectionStrategy;
  compareItems!: Comparator<WorkItem>;
  readonly waiting = new Map<Channel, SortedList<WorkItem>>();
  readonly buckets = new Map<Channel, Map<string, Bucket>>();
  readonly ready = new Map<Channel, OrderedSet<Agent>>();
  readonly members = new Set<Agent>();
  /** How many members use each delay, and the distinct positive delays in ascending order. */
  private readonly delayCounts = new Map<number, number>();
  delayThresholds: number[] = [];
  lastAgentSeq = -1;

  constructor(config: QueueConfig) {
    this.configure(config);
  }

  get id(): string {
    return this.config.queueId;
  }

  /** Applies a new configuration and empties the item and agent indexes for the caller to refill. */
  configure(config: QueueConfig): void {
    this.config = config;
    this.steps = new CompiledSteps(config.steps);
    this.strategy = strategyFor(config.strategy);
    this.compareItems = queueOrder(config.agingIntervalMs);
    this.waiting.clear();
    this.buckets.clear();
    this.ready.clear();
    for (const channel of config.channels) {
      this.waiting.set(channel, new SortedList(this.compareItems));
      this.buckets.set(channel, new Map());
      this.ready.set(channel, this.strategy.createReadySet(channel));
    }
  }

  serves(channel: Channel): boolean {
    return this.waiting.has(channel);
  }

  waitingCount(): number {
    let count = 0;
    for (const list of this.waiting.values()) count += list.size;
    return count;
  }

  allWaiting(): WorkItem[] {
    return [...this.waiting.values()].flatMap((list) => list.toArray());
  }

  /** Records a member's delay; true when the set of distinct delays changed. */
  addMember(agent: Agent, delayMs: number): boolean {
    this.members.add(agent);
    const count = this.delayCounts.get(delayMs) ?? 0;
    this.delayCounts.set(delayMs, count + 1);
    return count === 0 && this.refreshThresholds();
  }

  removeMember(agent: Agent, delayMs: number): boolean {
    this.members.delete(agent);
    const count = (this.delayCounts.get(delayMs) ?? 1) - 1;
    if (count > 0) {
      this.delayCounts.set(delayMs, count);
      return false;
    }
    this.delayCounts.delete(delayMs);
    return this.refreshThresholds();
  }

  /** The next time after `now` at which a member's delay lets one more agent see the item. */
  nextDelayThreshold(item: WorkItem, now: number): number | undefined {
    for (const delay of this.delayThresholds) {
      if (item.queueEnteredAt + delay > now) return item.queueEnteredAt + delay;
    }
    return undefined;
  }

  private refreshThresholds(): boolean {
    const thresholds = [...this.delayCounts.keys()].filter((delay) => delay > 0).sort((a, b) => a - b);
    const changed = thresholds.join() !== this.delayThresholds.join();
    this.delayThresholds = thresholds;
    return changed;
  }
}
