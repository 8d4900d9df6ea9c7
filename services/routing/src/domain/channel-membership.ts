import type { Agent } from './agent';
import { ChannelIndex } from './channel';
import { Linked } from './collections/linked-sorted-list';
import { OrderedSet } from './collections/ordered-set';
import { SortedList } from './collections/sorted-list';
import type { RoutingQueue } from './routing-queue';
import type { Bucket, WorkItem } from './work-item';

/**
 * An agent's membership of one profile queue on one channel that both handle: its place in the
 * queue's ready set for the channel, and what the agent reads of the queue when it looks for
 * work. The agent keeps these for as long as its profile lasts, so re-sorting it after a load
 * change and scanning its profile for work go straight to the queue's indexes.
 */
export class ChannelMembership implements Linked<ChannelMembership> {
  prev: ChannelMembership | undefined = undefined;
  next: ChannelMembership | undefined = undefined;
  list: object | undefined = undefined;
  // The queue's indexes for the channel and what its strategy's order depends on (see
  // AgentSelectionStrategy.ordersBy), copied here (and again whenever the queue is
  // reconfigured) because the hot paths read them for every membership.
  ready!: OrderedSet<ChannelMembership>;
  ordersByIdle = false;
  ordersByLoad = false;
  waiting!: SortedList<WorkItem>;
  buckets!: Bucket[];
  // The keys the membership sits under in its ready set, copied from the agent (idle time and
  // load on entry, the others at creation) so that comparing two memberships reads nothing else.
  // They cannot go stale: the set is re-sorted whenever a key its order depends on changes.
  idleKey = 0;
  loadKey = 0;
  readonly seq: number;
  readonly maxTotal: number;

  constructor(
    readonly agent: Agent,
    readonly queue: RoutingQueue,
    readonly channel: ChannelIndex,
    /** The profile rank of the queue: 1 is served first. */
    readonly priority: number,
    /** Items younger than this in the queue are not for this agent. */
    readonly delayMs: number,
  ) {
    this.seq = agent.seq;
    this.maxTotal = agent.maxTotal;
    this.link();
  }

  /** Enters the ready set under the agent's current indexed idle time and load. */
  enterReadySet(): void {
    this.idleKey = this.agent.indexedIdle[this.channel];
    this.loadKey = this.agent.indexedLoadTotal;
    this.ready.add(this);
  }

  /** Points at the queue's current indexes and order, after its creation or reconfiguration. */
  link(): void {
    this.ready = this.queue.ready[this.channel]!;
    this.ordersByIdle = this.queue.strategy.ordersBy.idle;
    this.ordersByLoad = this.queue.strategy.ordersBy.load;
    this.waiting = this.queue.waiting[this.channel]!;
    this.buckets = this.queue.buckets[this.channel]!;
  }
}
