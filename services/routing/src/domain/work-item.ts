import type { Agent } from './agent';
import { Channel, channelIndex, ChannelIndex } from './channel';
import { Scheduled } from './collections/deadline-queue';
import { SortedList } from './collections/sorted-list';
import { SkillCondition } from './queue.config';
import type { RoutingQueue } from './routing-queue';
import { CompiledSteps } from './routing-steps.policy';

export type WorkItemState = 'waiting' | 'offered' | 'assigned' | 'wrap-up';

export interface Offer {
  readonly offerId: string;
  readonly agentId: string;
  readonly offeredAt: number;
  readonly expiresAt: number;
}

/** Waiting items of one queue and channel that need the same skills right now. */
export interface Bucket {
  readonly key: string;
  readonly conditions: readonly SkillCondition[];
  readonly items: SortedList<WorkItem>;
  /** Position in the queue's bucket array of its channel. */
  index: number;
  /** A bucket of the queue's own steps, kept while empty; others go when their last item does. */
  readonly permanent: boolean;
}

const nobody: readonly string[] = Object.freeze([]);
// A copy of the import for reset, run for every new contact (see `voice` in agent.ts).
const indexOfChannel = channelIndex;

/** What a new work item starts with. */
export interface WorkItemInit {
  readonly queue: RoutingQueue;
  readonly priority: number;
  readonly enqueuedAt: number;
  readonly queueEnteredAt: number;
  readonly seq: number;
  readonly ownSteps: CompiledSteps | undefined;
  readonly preferred: { readonly agentId: string; readonly until: number } | undefined;
}

/**
 * One interaction as routing sees it, from enqueue until its agent is free again. The engine
 * reuses the objects of finished items for new ones (see `reset`): a long-lived item allocated
 * anew would be copied out of the young generation twice, and every index it enters would pay
 * a write barrier for it.
 */
export class WorkItem implements Scheduled {
  interactionId!: string;
  tenantId!: string;
  channel!: Channel;
  channelIndex!: ChannelIndex;
  /** The queue the item is in (or was assigned from); the queue object outlives reconfigurations. */
  queue!: RoutingQueue;
  priority = 0;
  // Numbers from the start (never undefined), so that these fields hold their doubles in place
  // rather than a newly allocated box per store.
  /** Orders the item among its peers; kept on reject, timeout and overflow so it keeps its place. */
  enqueuedAt = 0;
  /** Start of the current queue visit: step expiries, membership delays and overflow count from here. */
  queueEnteredAt = 0;
  /** Unique, increasing; breaks ties between items enqueued in the same millisecond. */
  seq = 0;
  /** Steps given with the item, kept across queues; otherwise the queue's steps apply. */
  ownSteps: CompiledSteps | undefined;
  preferred: { readonly agentId: string; readonly until: number } | undefined;
  /** Agents that rejected or missed the item; they are never offered it again. Replaced, never mutated. */
  excluded: readonly string[] = nobody;
  /** Overflow is tried once per queue visit. */
  overflowTried = false;

  state: WorkItemState = 'waiting';
  stepIndex = 0;
  offer: Offer | undefined;
  /** The agent offered, handling or wrapping up the item. */
  agent: Agent | undefined;
  /** NaN while not assigned: a number either way, so the field holds a double in place. */
  assignedAt = NaN;
  wrapUpUntil: number | undefined;

  // Where the waiting item is indexed: a queue bucket, or the preferred list of an agent.
  bucket: Bucket | undefined;
  preferredIndexOf: string | undefined;

  // The item's one timer (see DeadlineQueue) and its place in the current command's match list.
  heapIndex = -1;
  touched = false;

  constructor(interactionId: string, tenantId: string, channel: Channel, init: WorkItemInit) {
    this.reset(interactionId, tenantId, channel, init);
  }

  /**
   * Makes the item a new one, as the constructor does. Only for an item no index refers to
   * any more (finished: not waiting, offered or scheduled).
   */
  reset(interactionId: string, tenantId: string, channel: Channel, init: WorkItemInit): void {
    this.interactionId = interactionId;
    this.tenantId = tenantId;
    this.channel = channel;
    this.channelIndex = indexOfChannel(channel);
    this.queue = init.queue;
    this.priority = init.priority;
    this.enqueuedAt = init.enqueuedAt;
    this.queueEnteredAt = init.queueEnteredAt;
    this.seq = init.seq;
    this.ownSteps = init.ownSteps;
    this.preferred = init.preferred;
    this.excluded = nobody;
    this.overflowTried = false;
    this.state = 'waiting';
    this.stepIndex = 0;
    this.offer = undefined;
    this.agent = undefined;
    this.assignedAt = NaN;
    this.wrapUpUntil = undefined;
    this.bucket = undefined;
    this.preferredIndexOf = undefined;
    this.heapIndex = -1;
    this.touched = false;
  }

  get queueId(): string {
    return this.queue.id;
  }

  get agentId(): string | undefined {
    return this.agent?.id;
  }

  isExcluded(agentId: string): boolean {
    return this.excluded.length > 0 && this.excluded.includes(agentId);
  }

  /** The preferred agent still has the item to itself at `now`. */
  preferenceActive(now: number): boolean {
    return this.preferred !== undefined && now < this.preferred.until && !this.isExcluded(this.preferred.agentId);
  }
}
