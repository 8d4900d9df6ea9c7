import { Channel } from './channel';
import { SortedList } from './collections/sorted-list';
import { SkillCondition } from './queue.config';
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
}

/** One interaction as routing sees it, from enqueue until its agent is free again. */
export class WorkItem {
  queueId: string;
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
  /** Agents that rejected or missed the item; they are never offered it again. */
  excluded: string[] = [];
  /** Overflow is tried once per queue visit. */
  overflowTried = false;

  state: WorkItemState = 'waiting';
  stepIndex = 0;
  offer: Offer | undefined;
  agentId: string | undefined;
  assignedAt: number | undefined;
  wrapUpUntil: number | undefined;

  // Where the waiting item is indexed: a queue bucket, or the preferred list of an agent.
  bucket: Bucket | undefined;
  preferredIndexOf: string | undefined;

  constructor(
    readonly interactionId: string,
    readonly tenantId: string,
    readonly channel: Channel,
    init: {
      queueId: string;
      priority: number;
      enqueuedAt: number;
      queueEnteredAt: number;
      seq: number;
      ownSteps: CompiledSteps | undefined;
      preferred: { agentId: string; until: number } | undefined;
    },
  ) {
    this.queueId = init.queueId;
    this.priority = init.priority;
    this.enqueuedAt = init.enqueuedAt;
    this.queueEnteredAt = init.queueEnteredAt;
    this.seq = init.seq;
    this.ownSteps = init.ownSteps;
    this.preferred = init.preferred;
  }

  isExcluded(agentId: string): boolean {
    return this.excluded.length > 0 && this.excluded.includes(agentId);
  }

  /** The preferred agent still has the item to itself at `now`. */
  preferenceActive(now: number): boolean {
    return this.preferred !== undefined && now < this.preferred.until && !this.isExcluded(this.preferred.agentId);
  }
}
