import { Agent } from './agent';
import { Channel, channelIndex, ChannelIndex, perChannelArray } from './channel';
import { ChannelMembership } from './channel-membership';
import { OrderedSet } from './collections/ordered-set';
import { Comparator, SortedList } from './collections/sorted-list';
import { queueOrder } from './item-order';
import { QueueConfig, SkillCondition } from './queue.config';
import { CompiledSteps } from './routing-steps.policy';
import { AgentSelectionStrategy } from './strategies/agent-selection.strategy';
import { strategyFor } from './strategies/strategy-for';
import { Bucket, WorkItem } from './work-item';

/**
 * One queue's configuration plus its indexes, per channel it serves (arrays indexed by
 * ChannelIndex, undefined for the channels it does not serve):
 * - waiting items in service order (positions, snapshots),
 * - the same items split into buckets of equal skill needs, so an agent checks its skills once
 *   per bucket instead of once per item,
 * - ready agents (their memberships of the queue) in the order of the queue's selection strategy.
 */
export class RoutingQueue {
  config!: QueueConfig;
  /** The config's queueId, kept here because every event reads it and the config object is cold. */
  id!: string;
  steps!: CompiledSteps;
  strategy!: AgentSelectionStrategy;
  compareItems!: Comparator<WorkItem>;
  /** The served channels in the configured order. */
  channels!: ChannelIndex[];
  waiting!: (SortedList<WorkItem> | undefined)[];
  /**
   * The buckets in no particular order (every bucket is looked at). Those of the queue's own
   * steps stay even when empty: items move through them as their steps expire, and creating and
   * dropping a bucket each time costs more than skipping an empty one.
   */
  buckets!: (Bucket[] | undefined)[];
  /** The bucket of each of the queue's own steps, by step index (the last is "any agent"). */
  stepBuckets!: (Bucket[] | undefined)[];
  private bucketByKey!: (Map<string, Bucket> | undefined)[];
  ready!: (OrderedSet<ChannelMembership> | undefined)[];
  readonly members = new Set<Agent>();
  /** How many members use each delay, and the distinct positive delays in ascending order. */
  private readonly delayCounts = new Map<number, number>();
  delayThresholds: number[] = [];
  lastAgentSeq = -1;

  constructor(config: QueueConfig) {
    this.configure(config);
  }

  /** Applies a new configuration and empties the item and agent indexes for the caller to refill. */
  configure(config: QueueConfig): void {
    this.config = config;
    this.id = config.queueId;
    this.steps = new CompiledSteps(config.steps);
    this.strategy = strategyFor(config.strategy);
    this.compareItems = queueOrder(config.agingIntervalMs);
    this.channels = config.channels.map(channelIndex);
    const serves = (channel: Channel) => config.channels.includes(channel);
    this.waiting = perChannelArray((channel) => (serves(channel) ? new SortedList(this.compareItems) : undefined));
    this.buckets = perChannelArray((channel) => (serves(channel) ? [] : undefined));
    this.bucketByKey = perChannelArray((channel) => (serves(channel) ? new Map() : undefined));
    this.ready = perChannelArray((channel) => (serves(channel) ? this.strategy.createReadySet() : undefined));
    this.stepBuckets = perChannelArray((channel) => {
      if (!serves(channel)) return undefined;
      const index = channelIndex(channel);
      return Array.from({ length: this.steps.lastIndex + 1 }, (_, step) => {
        const key = this.steps.key(step);
        return this.bucketByKey[index]!.get(key) ?? this.addBucket(index, key, this.steps.conditions(step), true);
      });
    });
  }

  /** The bucket of items needing the given conditions, created when missing. */
  bucketFor(channel: ChannelIndex, key: string, conditions: readonly SkillCondition[]): Bucket {
    return this.bucketByKey[channel]!.get(key) ?? this.addBucket(channel, key, conditions, false);
  }

  /** Drops a bucket whose last item left, unless it is one of the queue's own. */
  releaseBucket(channel: ChannelIndex, bucket: Bucket): void {
    if (bucket.permanent || bucket.items.size > 0) return;
    // Swap-remove: the order of buckets does not matter.
    const buckets = this.buckets[channel]!;
    const last = buckets.pop()!;
    if (last !== bucket) {
      buckets[bucket.index] = last;
      last.index = bucket.index;
    }
    this.bucketByKey[channel]!.delete(bucket.key);
  }

  private addBucket(channel: ChannelIndex, key: string, conditions: readonly SkillCondition[], permanent: boolean): Bucket {
    const buckets = this.buckets[channel]!;
    const bucket: Bucket = { key, conditions, items: new SortedList(this.compareItems), index: buckets.length, permanent };
    buckets.push(bucket);
    this.bucketByKey[channel]!.set(key, bucket);
    return bucket;
  }

  serves(channel: ChannelIndex): boolean {
    return this.waiting[channel] !== undefined;
  }

  waitingCount(): number {
    let count = 0;
    for (const channel of this.channels) count += this.waiting[channel]!.size;
    return count;
  }

  /** Every waiting item, channel by channel in the configured order, each in service order. */
  allWaiting(): WorkItem[] {
    return this.channels.flatMap((channel) => this.waiting[channel]!.toArray());
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
