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

/** One interaction as routing sees it, from enqueue until its agent is free again. */
export class WorkItem implements Scheduled {
  /** The queue the item is in (or was assigned from); the queue object outlives reconfigurations. */
  queue: RoutingQueue;
  priority: number;
  /** Orders the item among its peers; kept on reject, timeout and overflow so it keeps its place. */
  enqueuedAt: number;
  /** Start of the current queue visit: step expiries, membership delays and overflow count from here. */
  queueEnteredAt: number;
  /** Unique, increasing; breaks ties between items enqueued in the same millisecond. */
  seq: number;
  /** Steps given with the item, kept across queues; otherwise the queue's steps apply. */
  readonly ownSteps: CompiledSteps | undefined;
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
  assignedAt: number | undefined;
  wrapUpUntil: number | undefined;

  // Where the waiting item is indexed: a queue bucket, or the preferred list of an agent.
  bucket: Bucket | undefined;
  preferredIndexOf: string | undefined;

  // The item's one timer (see DeadlineQueue) and its place in the current command's match list.
  heapIndex = -1;
  touched = false;
  readonly channelIndex: ChannelIndex;

  constructor(
    readonly interactionId: string,
    readonly tenantId: string,
    readonly channel: Channel,
    init: {
      queue: RoutingQueue;
      priority: number;
      enqueuedAt: number;
      queueEnteredAt: number;
      seq: number;
      ownSteps: CompiledSteps | undefined;
      preferred: { agentId: string; until: number } | undefined;
    },
  ) {
    this.channelIndex = channelIndex(channel);
    this.queue = init.queue;
    this.priority = init.priority;
    this.enqueuedAt = init.enqueuedAt;
    this.queueEnteredAt = init.queueEnteredAt;
    this.seq = init.seq;
    this.ownSteps = init.ownSteps;
    this.preferred = init.preferred;
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
